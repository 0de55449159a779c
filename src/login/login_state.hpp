#pragma once
// What /oauth2/start must remember for /oauth2/callback: kept in a short-lived, sealed CSRF cookie, so the
// callback only completes in the browser that started the login (state), with the nonce and PKCE verifier
// of that login.
#include <optional>
#include <string>

#include "session/cookie_sealer.hpp"

namespace gh::login {

struct LoginState {
    std::string state;
    std::string nonce;
    std::string code_verifier;
    std::string rd;
    std::string redirect_uri;
    std::int64_t expires_at = 0;
};

// A fresh login: random state, nonce and verifier (256 bits each).
LoginState new_login_state(std::string rd, std::string redirect_uri, std::int64_t expires_at);

class LoginStateCookie {
public:
    LoginStateCookie(const session::CookieSecrets& cookie_secrets, std::string cookie_name);
    std::string seal(const LoginState& s) const;
    // nullopt when absent, tampered, malformed or expired.
    std::optional<LoginState> open(std::string_view value, std::int64_t now) const;
    const std::string& name() const { return sealer_.cookie_name(); }

private:
    session::CookieSealer sealer_;
};

}  // namespace gh::login
