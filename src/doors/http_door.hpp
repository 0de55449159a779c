#pragma once
// The HTTP doors. One engine, three ways proxies ask:
// - nginx auth_request / ingress-nginx auth-url: GET <prefix>/auth answers 202 + identity headers, 401 (the
//   proxy sends the browser to auth-signin), 403, or 503 (session store down).
// - Traefik forwardAuth / Caddy forward_auth: GET <prefix>/forward_auth (original request in X-Forwarded-*):
//   these proxies return any non-2xx answer to the client as it is, so a browser without a session gets a 302
//   to sign in, a program 401; allowed is 200.
// - Envoy ext_authz HTTP service: <prefix>/envoy + the original path, with the original method and Host;
//   answers like forward_auth (Envoy copies a denial to the client), 200 to allow.
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "gate/gate.hpp"
#include "http/forwarded.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "login/session_refresher.hpp"

namespace gh::doors {

enum class DoorKind { nginx, forward_auth, envoy_http };

class HttpDoor {
public:
    // `refresher`: renews sessions past --cookie-refresh (nullptr: never).
    HttpDoor(DoorKind kind, const gate::Gate& gate, std::shared_ptr<const options::Options> options,
             const login::SessionRefresher* refresher = nullptr);

    // The path this door answers on; for envoy_http, the prefix of every path it answers.
    const std::string& path() const { return path_; }
    bool serves(std::string_view request_path) const;

    // Answers without suspending for a cookie session (or a cached one); waits for Redis or the IdP otherwise.
    boost::asio::awaitable<void> handle(const http::Request& req, http::Response& res) const;

private:
    // `client`: storage for the client's address, filled only for a request that presents credentials;
    // `certificate`: for what the proxy says about the client's certificate (--client-certificate-headers).
    gate::OriginalRequest original_request(const http::Request& req, const session::CookieJar& jar,
                                           std::string& client, authz::ClientCertificate& certificate) const;
    http::OriginalUrl original_url(const http::Request& req) const;
    // --api-route: the original request's path is an API's (401 rather than a redirect to sign in).
    bool on_api_route(const http::Request& req) const;
    // The path that waits: its own jar and session, since the thread's buffers serve other requests meanwhile.
    boost::asio::awaitable<void> handle_with_store(const http::Request& req, http::Response& res) const;
    boost::asio::awaitable<void> allow_after_refresh(const http::Request& req, http::Response& res,
                                                     session::Session session, session::CookieJar jar) const;
    void answer(const http::Request& req, http::Response& res, const gate::Decision& d,
                const session::Session& session, const std::vector<std::string>& set_cookies = {}) const;
    void write_forbidden_page(const http::Request& req, http::Response& res, const session::Session& session,
                              const std::vector<std::string>& set_cookies) const;
    void log_denial(const http::Request& req, const gate::Decision& d, const session::Session& s, int status) const;

    DoorKind kind_;
    const gate::Gate& gate_;
    std::shared_ptr<const options::Options> options_;
    const login::SessionRefresher* refresher_;
    std::string path_;
};

}  // namespace gh::doors
