#pragma once
// The OIDC authorization-code flow with PKCE, state and nonce: /oauth2/sign_in, /oauth2/start, /oauth2/callback.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>

#include "authz/redirect_validator.hpp"
#include "clock/clock.hpp"
#include "gate/gate.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "login/login_state.hpp"
#include "login/password_sign_in.hpp"
#include "oidc/provider.hpp"
#include "login/config.hpp"
#include "clock/clock.hpp"
#include "session/session_store.hpp"

namespace gh::login {

class LoginFlow {
public:
    LoginFlow(Config config, const session::SessionStore& sessions,
              const oidc::Provider& provider, const authz::RedirectValidator& redirects, const gate::Gate& gate,
              const Clock& clock);

    const Config& config() const { return config_; }

    // The sign-in page (with the password form when --htpasswd-file is set), or straight to the IdP with
    // --skip-provider-button. The page ends the session the browser has (its cookies cleared, and its Redis
    // entry deleted), as oauth2-proxy's sign-in page does: who opens it means to sign in anew.
    boost::asio::awaitable<void> sign_in(const http::Request& req, http::Response& res) const;
    // The sign-in page for a login that should end at `rd` (a path on this host, or a validated URL), with
    // `status`: reverse-proxy mode answers a request that needs a sign-in with it (403, as oauth2-proxy does).
    // With --skip-provider-button, a redirect to the IdP's login instead.
    void sign_in_page(const http::Request& req, http::Response& res, const std::string& rd, int status) const;
    // A POST to /oauth2/sign_in: the password form (the page again when the form is off).
    boost::asio::awaitable<void> sign_in_with_password(const http::Request& req, http::Response& res) const;
    // Sets the CSRF cookie and sends the browser to the IdP.
    void start(const http::Request& req, http::Response& res) const;
    // Checks state, redeems the code, verifies the ID token, sets the session, sends the browser to `rd`.
    boost::asio::awaitable<void> callback(const http::Request& req, http::Response& res) const;

private:
    // The validated redirect target of a login ("/" when none or refused).
    std::string redirect_target(const http::Request& req) const;
    std::string callback_url(const http::Request& req) const;
    // With --cookie-csrf-per-request each login has its own CSRF cookie, named after its state.
    std::string csrf_cookie_name(std::string_view state) const;
    void fail(const http::Request& req, http::Response& res, int status, std::string_view message,
              std::string_view log_reason, std::string_view rd) const;
    // The callback's checks before the code is redeemed (an error from the IdP, the CSRF cookie, the state, the
    // code), then after (the tokens, the identity rules). True when the request was refused (and answered).
    bool refuse_callback(const http::Request& req, http::Response& res, std::string_view query,
                         const std::optional<LoginState>& login, std::string_view state, std::string_view code,
                         const std::string& rd) const;
    bool refuse_tokens(const http::Request& req, http::Response& res, const oidc::RedeemResult& result,
                       const std::string& rd) const;
    // The session a login starts: the IdP's identity and tokens, the cookie's lifetime and refresh time.
    session::Session new_session(const oidc::LoginTokens& tokens, std::int64_t now) const;

    const Config config_;
    const session::SessionStore& sessions_;
    const oidc::Provider& provider_;
    const authz::RedirectValidator& redirects_;
    const gate::Gate& gate_;
    const Clock& clock_;
    LoginStateCookie csrf_;
    PasswordSignIn password_;
};

}  // namespace gh::login
