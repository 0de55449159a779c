#include "login/userinfo.hpp"

#include <nlohmann/json.hpp>

namespace gh::login {

boost::asio::awaitable<void> handle_userinfo(const gate::Gate& gate, const http::Request& req, http::Response& res) {
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    session::Session s;
    // Gatehouse's own endpoint: the session alone answers, no rule about the apps' paths applies.
    const gate::OriginalRequest original{.cookies = &jar, .own_endpoint = true};
    const auto d = co_await gate.decide(original, s);
    // Only a session that was read names anyone: allowed, or refused as signed in (oauth2-proxy answers both).
    if (d.verdict != gate::Verdict::allow && d.verdict != gate::Verdict::forbidden) {
        const bool down = d.verdict == gate::Verdict::unavailable;
        res.status(down ? 503 : 401);
        res.header("Cache-Control", "no-store");
        res.finish(down ? "Service Unavailable\n" : "Unauthorized\n");
        co_return;
    }
    nlohmann::json body = {{"user", s.user}, {"email", s.email}};
    if (!s.groups.empty()) body["groups"] = s.groups;
    if (!s.preferred_username.empty()) body["preferredUsername"] = s.preferred_username;
    res.status(200);
    res.header("Cache-Control", "no-store");
    // Claims are the IdP's bytes: invalid UTF-8 is replaced rather than thrown on.
    res.finish(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", "application/json");
}

}  // namespace gh::login
