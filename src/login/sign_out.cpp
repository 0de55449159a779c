#include "login/sign_out.hpp"

#include "login/cookie_domain.hpp"

namespace gh::login {
void handle_sign_out(const options::Options& o, const session::CookieSessionStore& store,
                     const authz::RedirectValidator& redirects, const http::Request& req, http::Response& res) {
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    std::string_view host = req.header("Host");
    if (o.reverse_proxy && !req.header("X-Forwarded-Host").empty()) host = req.header("X-Forwarded-Host");
    session::CookieAttributes attrs{choose_cookie_domain(o.cookie_domains, host), o.cookie_path, 0, o.cookie_secure,
                                    o.cookie_httponly, o.cookie_samesite};
    std::string rd = http::query_param(req.query(), "rd").value_or("");
    if (rd.empty()) rd = std::string(req.header("X-Auth-Request-Redirect"));
    rd = redirects.sanitize(rd);
    res.status(302);
    res.header("Location", rd);
    res.header("Cache-Control", "no-store");
    for (const auto& c : store.clear(jar, attrs)) res.header("Set-Cookie", c);
    res.finish();
}

}  // namespace gh::login
