#include "login/cookie_attributes.hpp"

#include "login/cookie_domain.hpp"

namespace gh::login {

session::CookieAttributes session_cookie_attributes(const session::CookiePolicy& o, std::string_view host) {
    return session::CookieAttributes{choose_cookie_domain(o.cookie_domains, host), o.cookie_path,
                                     o.cookie_expire.count(), o.cookie_secure, o.cookie_httponly, o.cookie_samesite};
}

session::CookieAttributes csrf_cookie_attributes(const session::CookiePolicy& o, std::string_view host) {
    auto a = session_cookie_attributes(o, host);
    a.max_age = o.cookie_csrf_expire.count();
    if (a.same_site == session::SameSite::strict) a.same_site = session::SameSite::lax;
    return a;
}

}  // namespace gh::login
