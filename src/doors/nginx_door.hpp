#pragma once
// The door for nginx auth_request and ingress-nginx auth-url: GET /oauth2/auth answers
// 202 + identity headers (allow), 401 (sign in), 403 (signed in, not allowed). Bodies are never shown
// to the user by nginx, so they are left empty.
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
    // Answers without suspending unless the session is due for a refresh at the IdP.
    boost::asio::awaitable<void> handle(const http::Request& req, http::Response& res) const;

private:
    boost::asio::awaitable<void> allow_after_refresh(const http::Request& req, http::Response& res,
                                                     session::Session session, session::CookieJar jar) const;
    void log_denial(const http::Request& req, const gate::Decision& d, const session::Session& s, int status) const;

    const gate::Gate& gate_;
    std::shared_ptr<const options::Options> options_;
    const login::SessionRefresher* refresher_;
};

}  // namespace gh::doors
