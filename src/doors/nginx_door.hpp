#pragma once
// The door for nginx auth_request and ingress-nginx auth-url: GET /oauth2/auth answers
// 202 + identity headers (allow), 401 (sign in), 403 (signed in, not allowed), 503 (session store down).
// Bodies are never shown to the user by nginx, so they are left empty.
#include <memory>

#include "gate/gate.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "login/session_refresher.hpp"

#include <boost/asio/awaitable.hpp>

namespace gh::doors {

class NginxDoor {
public:
    // `refresher`: renews sessions past --cookie-refresh (nullptr: never).
    NginxDoor(const gate::Gate& gate, std::shared_ptr<const options::Options> options,
              const login::SessionRefresher* refresher = nullptr);
    // Answers without suspending for a cookie session (or a cached one); waits for Redis or the IdP otherwise.
    boost::asio::awaitable<void> handle(const http::Request& req, http::Response& res) const;

private:
    gate::OriginalRequest original_request(const http::Request& req, const session::CookieJar& jar) const;
    // The path that waits: its own jar and session, since the thread's buffers serve other requests meanwhile.
    boost::asio::awaitable<void> handle_with_store(const http::Request& req, http::Response& res) const;
    boost::asio::awaitable<void> allow_after_refresh(const http::Request& req, http::Response& res,
                                                     session::Session session, session::CookieJar jar) const;
    void answer(const http::Request& req, http::Response& res, const gate::Decision& d,
                const session::Session& session) const;
    void log_denial(const http::Request& req, const gate::Decision& d, const session::Session& s, int status) const;

    const gate::Gate& gate_;
    std::shared_ptr<const options::Options> options_;
    const login::SessionRefresher* refresher_;
};

}  // namespace gh::doors
