#pragma once
// The sign-in page's user name and password form (--htpasswd-file with --display-htpasswd-form, oauth2-proxy's
// "manual sign-in"): POST /oauth2/sign_in with username, password and a CSRF token. The password is checked like
// `Authorization: Basic` (bcrypt off the I/O threads, the same per-client limit on failures); a match gets a
// session cookie marked as the file's (gate: the e-mail rules do not apply, and it ends when the user leaves
// the file) and a redirect to the page the user came for.
//
// Login CSRF: the form carries a token that must match a sealed, short-lived cookie set with the page
// (SameSite=Strict, host-only, path /oauth2/sign_in), and a browser's Origin, when sent, must be this host.
#include <boost/asio/awaitable.hpp>
#include <span>
#include <memory>
#include <optional>
#include <string>

#include "clock/clock.hpp"
#include "gate/credentials.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "login/login_state.hpp"
#include "login/config.hpp"
#include "clock/clock.hpp"
#include "session/session_store.hpp"

namespace gh::login {

class PasswordSignIn {
public:
    // `passwords`: the --htpasswd-file users; nullptr (or --display-htpasswd-form=false) switches the form off.
    PasswordSignIn(Config config, const session::SessionStore& sessions,
                   const gate::PasswordVerifier* passwords, const Clock& clock);

    bool enabled() const { return passwords_ != nullptr; }

    // The sign-in page with the form, for a login that should end at `rd` (already validated). Sets the form's
    // CSRF cookie. `error` and `username`: after a failed attempt. `set_cookies`: more cookies for the page.
    void write_page(const http::Request& req, http::Response& res, const std::string& rd, int status = 200,
                    std::string_view error = {}, std::string_view username = {},
                    std::span<const std::string> set_cookies = {}) const;

    // The form's POST.
    boost::asio::awaitable<void> submit(const http::Request& req, http::Response& res) const;

private:
    std::string start_url(const std::string& rd) const;
    // The form's CSRF cookie is the sign-in host's only, and sent to the form's target only.
    session::CookieAttributes form_cookie_attributes(const std::string& host) const;
    // A refusal in the auth log, and with the error page.
    void log_refusal(const http::Request& req, const std::string& client, int status,
                     std::string_view log_reason) const;
    void refuse(const http::Request& req, http::Response& res, int status, std::string_view message,
                std::string_view log_reason) const;
    // The form's state when the form may sign someone in: sent from this host, its CSRF token matching its
    // cookie's. nullopt when it was refused (and answered).
    std::optional<LoginState> checked_form(const http::Request& req, http::Response& res, const session::CookieJar& jar,
                                           std::string_view host) const;

    const Config config_;
    const session::SessionStore& sessions_;
    const gate::PasswordVerifier* passwords_;
    const Clock& clock_;
    LoginStateCookie form_csrf_;
    std::string action_;  // the proxy prefix's /sign_in: the form's target and its cookie's path
};

}  // namespace gh::login
