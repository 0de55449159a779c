#include "login/signed_in.hpp"

#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "observe/logs.hpp"

namespace gh::login {

void answer_signed_in(const http::Request& req, http::Response& res, std::string_view user, const std::string& message,
                      std::string_view rd, const std::vector<std::string>& set_cookies,
                      const std::string& cleared_csrf) {
    const std::string client = http::client_ip(req);
    observe::log_auth({.status = observe::AuthStatus::success,
                       .client = client,
                       .request_id = http::request_id(req),
                       .user = user,
                       .message = message,
                       .http_status = 302});
    res.log_user(user);
    res.status(302);
    res.header("Location", rd);
    res.header("Cache-Control", "no-store");
    for (const auto& c : set_cookies) res.header("Set-Cookie", c);
    res.header("Set-Cookie", cleared_csrf);
    res.finish();
}

}  // namespace gh::login
