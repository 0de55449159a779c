#pragma once
#include <string_view>

#include "session/cookie_policy.hpp"
#include "session/set_cookie.hpp"

namespace gh::login {

// Attributes of the session cookie for a response to `host`, from the --cookie-* flags.
session::CookieAttributes session_cookie_attributes(const session::CookiePolicy& o, std::string_view host);

// The CSRF cookie of a login: same domain and flags, shorter life. SameSite=Strict would keep it from
// riding the IdP's redirect back to us, so it is relaxed to Lax in that case.
session::CookieAttributes csrf_cookie_attributes(const session::CookiePolicy& o, std::string_view host);

}  // namespace gh::login
