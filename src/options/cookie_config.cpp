// The session cookie's secret (inline or from a file, decoded to its bytes) and the lifetimes that must agree.
#include "options/checks.hpp"
#include "options/component_configs.hpp"
#include "options/field_parsers.hpp"

namespace gh::options {

void check_cookies(Checks& c) {
    auto& o = c.o;
    const std::size_t errors_before = c.error_count();
    const std::string secret = secret_or_file(c, o.cookie_secret, o.cookie_secret_file, "cookie-secret");
    if (!secret.empty() && c.error_count() == errors_before) {
        if (auto problem = parse::cookie_secret(secret, o.cookie_secret); !problem.empty()) {
            if (o.cookie_secret_file.empty()) c.fail(o.cookie_secret, problem);
            else c.fail(o.cookie_secret_file, problem);
        }
    }
    if (o.cookie_refresh.count() > 0 && o.cookie_refresh >= o.cookie_expire)
        c.fail(o.cookie_refresh, "must be shorter than --cookie-expire");
    for (const auto& d : o.cookie_domains)
        if (d.find(':') != std::string::npos)
            o.warnings.push_back("--cookie-domain " + d + " has a port, which no browser takes in a cookie's Domain: it "
                                 "is never used (as oauth2-proxy's cookies drop it), so such requests get host-only cookies");
    if (o.session_store_type == "redis") check_redis(c);
}

session::CookiePolicy cookie_policy(const Options& o) {
    session::CookiePolicy p;
    p.cookie_name = o.cookie_name;
    p.cookie_domains = o.cookie_domains;
    p.cookie_path = o.cookie_path;
    p.cookie_expire = o.cookie_expire;
    p.cookie_refresh = o.cookie_refresh;
    p.cookie_csrf_expire = o.cookie_csrf_expire;
    p.cookie_secure = o.cookie_secure;
    p.cookie_httponly = o.cookie_httponly;
    p.cookie_samesite = o.cookie_samesite;
    return p;
}

}  // namespace gh::options
