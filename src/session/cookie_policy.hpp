#pragma once
// The session cookie's name, scope, lifetimes and attributes (built by options/cookie_config.cpp).
#include <chrono>
#include <string>
#include <vector>

#include "session/set_cookie.hpp"

namespace gh::session {

struct CookiePolicy {
    std::string cookie_name = "_oauth2_proxy";
    std::vector<std::string> cookie_domains;  // the most specific one matching the request host is used
    std::string cookie_path = "/";
    std::chrono::seconds cookie_expire{0};
    std::chrono::seconds cookie_refresh{0};      // 0: no refresh
    std::chrono::seconds cookie_csrf_expire{0};  // the login's CSRF cookie
    bool cookie_secure = true;
    bool cookie_httponly = true;
    SameSite cookie_samesite = SameSite::unset;
};

}  // namespace gh::session
