#pragma once
// The sign-in flow's settings (built by options/login_config.cpp).
#include <string>

#include "session/cookie_policy.hpp"
#include "session/cookie_secrets.hpp"

namespace gh::login {

struct Config : session::CookiePolicy {
    std::string client_id;
    std::string redirect_url;  // empty: derived from each request
    std::string proxy_prefix = "/oauth2";
    bool skip_provider_button = false;
    bool display_htpasswd_form = true;
    bool cookie_csrf_per_request = false;  // one CSRF cookie per login, for parallel logins in several tabs
    session::CookieSecrets secrets;        // seal the login's CSRF and form cookies, as the sessions'
};

}  // namespace gh::login
