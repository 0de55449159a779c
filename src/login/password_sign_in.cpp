#include "login/password_sign_in.hpp"

#include <spdlog/spdlog.h>

#include "crypto/bytes.hpp"
#include "http/form.hpp"
#include "http/forwarded.hpp"
#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "login/cookie_attributes.hpp"
#include "login/signed_in.hpp"
#include "observe/log_text.hpp"
#include "observe/logs.hpp"
#include "pages/pages.hpp"
#include "text/ascii.hpp"

namespace gh::login {
namespace {

// A field of the form body (application/x-www-form-urlencoded, the same syntax as a query string).
std::string field(const http::Request& req, std::string_view name) {
    return http::query_param(req.body(), name).value_or("");
}

// "https://auth.example.com:8443" → "auth.example.com:8443"; empty when it is not scheme://authority.
std::string_view authority_of(std::string_view origin) {
    const auto scheme_end = origin.find("://");
    if (scheme_end == std::string_view::npos) return {};
    return origin.substr(scheme_end + 3);
}

// The origin of an absolute rd ("https://app.example.com:8443/x" → "https://app.example.com:8443"), written into
// the page's CSP; empty for a path on this host, or for anything that is not a plain origin (rd is validated
// already, this only keeps the header well-formed).
std::string origin_of(std::string_view rd) {
    for (const std::string_view scheme : {"https://", "http://"}) {
        if (!rd.starts_with(scheme)) continue;
        const auto end = rd.find_first_of("/?#", scheme.size());
        const std::string_view origin = rd.substr(0, end);
        const auto authority = origin.substr(scheme.size());
        const bool plain = !authority.empty() && std::all_of(authority.begin(), authority.end(), [](char c) {
            return text::is_alnum(c) || c == '.' || c == '-' || c == ':' || c == '[' ||
                   c == ']';
        });
        return plain ? std::string(origin) : std::string{};
    }
    return {};
}

}  // namespace

PasswordSignIn::PasswordSignIn(Config config, const session::SessionStore& sessions,
                               const gate::PasswordVerifier* passwords, const Clock& clock)
    : config_(std::move(config)),
      sessions_(sessions),
      passwords_(config_.display_htpasswd_form ? passwords : nullptr),
      clock_(clock),
      form_csrf_(config_.secrets, config_.cookie_name + "_form"),
      action_(config_.proxy_prefix + "/sign_in") {}

std::string PasswordSignIn::start_url(const std::string& rd) const {
    return config_.proxy_prefix + "/start?rd=" + text::percent_encode(rd);
}

void PasswordSignIn::write_page(const http::Request& req, http::Response& res, const std::string& rd, int status,
                                std::string_view error, std::string_view username,
                                std::span<const std::string> set_cookies) const {
    // Only the state and rd of a LoginState are used: the token, and where a successful sign-in goes.
    const LoginState form = new_login_state(rd, {}, clock_.now() + config_.cookie_csrf_expire.count());
    auto attrs = form_cookie_attributes(http::original_url(req, req.via_trusted_proxy()).host);
    attrs.same_site = session::SameSite::strict;  // never sent with a form another site posts
    const std::string cookie =
        session::format_set_cookie(form_csrf_.name(), form_csrf_.seal(form), attrs, clock_.now());
    const std::string redirect_origin = origin_of(rd);
    const pages::PasswordForm page{.action = action_,
                                   .csrf = form.state,
                                   .error = error,
                                   .username = username,
                                   .set_cookie = cookie,
                                   .redirect_origin = redirect_origin};
    pages::write_sign_in_page(res, start_url(rd), status, &page, set_cookies);
}

session::CookieAttributes PasswordSignIn::form_cookie_attributes(const std::string& host) const {
    auto attrs = csrf_cookie_attributes(config_, host);
    attrs.domain.clear();  // the sign-in host only
    attrs.path = action_;
    return attrs;
}

void PasswordSignIn::log_refusal(const http::Request& req, const std::string& client, int status,
                                 std::string_view log_reason) const {
    const std::string id(http::request_id(req));
    observe::log_auth({.status = observe::AuthStatus::failure,
                       .client = client,
                       .request_id = id,
                       .message = fmt::format("login: password form refused with {}: {} client={} request_id={}",
                                              status, observe::log_text(log_reason), client, id),
                       .http_status = status});
}

void PasswordSignIn::refuse(const http::Request& req, http::Response& res, int status, std::string_view message,
                            std::string_view log_reason) const {
    log_refusal(req, http::client_ip(req), status, log_reason);
    pages::write_error_page(res, {.status = status,
                                  .title = "Sign-in refused",
                                  .message = message,
                                  .detail = log_reason,
                                  .request_id = http::request_id(req),
                                  .retry_url = action_});
}

std::optional<LoginState> PasswordSignIn::checked_form(const http::Request& req, http::Response& res,
                                                       const session::CookieJar& jar, std::string_view host) const {
    // A browser names the page that sent the form; a form from another site (a sibling subdomain included)
    // must not sign anyone in (login CSRF).
    if (const auto origin = req.header("Origin"); !origin.empty() && !text::iequals(authority_of(origin), host)) {
        refuse(req, res, 403, "This sign-in form was sent from another site.",
               "Origin '" + observe::log_text(origin) + "' is not this host");
        return std::nullopt;
    }
    auto form = form_csrf_.open(jar.get(form_csrf_.name()).value_or(""), clock_.now());
    const std::string token = field(req, "csrf");
    if (!form || token.empty() || !crypto::constant_time_equal(token, form->state)) {
        refuse(
            req, res, 403, "This sign-in form has expired or was opened in another browser. Please try again.",
            form ? "the form's CSRF token does not match its cookie" : "the form's CSRF cookie is missing or expired");
        return std::nullopt;
    }
    return form;
}

boost::asio::awaitable<void> PasswordSignIn::submit(const http::Request& req, http::Response& res) const {
    const auto url = http::original_url(req, req.via_trusted_proxy());
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    const auto form = checked_form(req, res, jar, url.host);
    if (!form) co_return;
    const std::string user = field(req, "username");
    const std::string password = field(req, "password");
    if (user.empty() || password.empty()) {
        write_page(req, res, form->rd, 400, "Enter a user name and a password.", user);
        co_return;
    }
    const std::string client = http::client_ip(req);
    session::Session s;
    const auto checked = co_await passwords_->verify_password(user, password, client, s);
    using Outcome = gate::CredentialCheck::Outcome;
    if (checked.outcome != Outcome::ok) {
        const int status = checked.outcome == Outcome::rate_limited ? 429 : 401;
        log_refusal(req, client, status, checked.error);
        write_page(req, res, form->rd, status,
                   status == 429 ? "Too many failed attempts. Please wait a minute and try again."
                                 : "Wrong user name or password.",
                   user);
        co_return;
    }
    const std::int64_t now = clock_.now();
    s.from_htpasswd = true;
    s.created_at = now;
    s.expires_at = now + config_.cookie_expire.count();
    const auto saved = co_await sessions_.create(s, jar, session_cookie_attributes(config_, url.host), now);
    if (!saved.ok()) {
        refuse(req, res, 503, "Your session could not be stored. Please try again in a moment.",
               "session store: " + saved.error);
        co_return;
    }
    answer_signed_in(req, res, s.user,
                     fmt::format("login: signed in with a password user=\"{}\" groups={} rd=\"{}\"",
                                 observe::log_text(s.user), s.groups.size(), observe::log_text(form->rd)),
                     form->rd, saved.set_cookies,
                     session::format_clearing_cookie(form_csrf_.name(), form_cookie_attributes(url.host)));
}

}  // namespace gh::login
