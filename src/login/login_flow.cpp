#include "login/login_flow.hpp"

#include <spdlog/spdlog.h>

#include "crypto/bytes.hpp"
#include "http/form.hpp"
#include "http/forwarded.hpp"
#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "login/cookie_attributes.hpp"
#include "login/redirect_target.hpp"
#include "login/session_identity.hpp"
#include "login/signed_in.hpp"
#include "observe/log_text.hpp"
#include "observe/logs.hpp"
#include "pages/pages.hpp"

namespace gh::login {

LoginFlow::LoginFlow(Config config, const session::SessionStore& sessions,
                     const oidc::Provider& provider, const authz::RedirectValidator& redirects, const gate::Gate& gate,
                     const Clock& clock)
    : config_(std::move(config)),
      sessions_(sessions),
      provider_(provider),
      redirects_(redirects),
      gate_(gate),
      clock_(clock),
      csrf_(config_.secrets, config_.cookie_name + "_csrf"),
      password_(config_, sessions, gate.passwords(), clock) {}

std::string LoginFlow::redirect_target(const http::Request& req) const {
    const std::string rd = login::requested_redirect(req, req.via_trusted_proxy());
    if (rd.empty()) {
        if (!req.via_trusted_proxy()) return "/";
        const std::string forwarded = forwarded_redirect(req, config_.proxy_prefix);
        if (forwarded.empty() || redirects_.is_valid(forwarded)) return forwarded.empty() ? "/" : forwarded;
        spdlog::info("login: refused redirect target \"{}\" from X-Forwarded-Proto/-Host/-Uri (not in "
                     "--whitelist-domain, or no local path); using / client={}",
                     observe::log_text(forwarded), http::client_ip(req));
        return "/";
    }
    if (!redirects_.is_valid(rd)) {
        spdlog::info("login: refused redirect target \"{}\"; using / client={}", observe::log_text(rd),
                     http::client_ip(req));
        return "/";
    }
    return rd;
}

std::string LoginFlow::callback_url(const http::Request& req) const {
    if (!config_.redirect_url.empty()) return config_.redirect_url;
    const auto url = http::original_url(req, req.via_trusted_proxy());
    return url.scheme + "://" + url.host + config_.proxy_prefix + "/callback";
}

std::string LoginFlow::csrf_cookie_name(std::string_view state) const {
    if (!config_.cookie_csrf_per_request) return csrf_.name();
    return csrf_.name() + "_" + std::string(state.substr(0, 16));
}

void LoginFlow::fail(const http::Request& req, http::Response& res, int status, std::string_view message,
                     std::string_view log_reason, std::string_view rd) const {
    const std::string id(http::request_id(req));
    const std::string client = http::client_ip(req);
    const std::string host = http::original_url(req, req.via_trusted_proxy()).host;
    const std::string line = fmt::format("login: failed with {}: {} (host \"{}\") client={} request_id={}", status,
                                         observe::log_text(log_reason), observe::log_text(host), client, id);
    // A refusal by the rules is a failure; anything else (IdP, store, tampering) an error to look at.
    observe::log_auth({.status = status == 403 ? observe::AuthStatus::failure : observe::AuthStatus::error,
                       .client = client,
                       .request_id = id,
                       .message = line,
                       .http_status = status,
                       .host = host});
    const std::string retry = config_.proxy_prefix + "/start?rd=" + text::percent_encode(rd.empty() ? "/" : rd);
    pages::write_error_page(res, {.status = status,
                                  .title = status == 403 ? "Sign-in refused" : "Sign-in failed",
                                  .message = message,
                                  .detail = log_reason,
                                  .request_id = id,
                                  .retry_url = retry});
}

boost::asio::awaitable<void> LoginFlow::sign_in(const http::Request& req, http::Response& res) const {
    if (config_.skip_provider_button) {
        start(req, res);
        co_return;
    }
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    const auto host = http::original_url(req, req.via_trusted_proxy()).host;
    const auto clearing = co_await sessions_.destroy(jar, session_cookie_attributes(config_, host));
    const std::string rd = redirect_target(req);
    if (password_.enabled()) {
        password_.write_page(req, res, rd, 200, {}, {}, clearing);
        co_return;
    }
    pages::write_sign_in_page(res, config_.proxy_prefix + "/start?rd=" + text::percent_encode(rd), 200, nullptr, clearing);
}

void LoginFlow::sign_in_page(const http::Request& req, http::Response& res, const std::string& rd, int status) const {
    const std::string start_url = config_.proxy_prefix + "/start?rd=" + text::percent_encode(rd);
    if (config_.skip_provider_button) {
        res.status(302);
        res.header("Location", start_url);
        res.header("Cache-Control", "no-store");
        res.finish();
        return;
    }
    if (password_.enabled()) return password_.write_page(req, res, rd, status);
    pages::write_sign_in_page(res, start_url, status);
}

boost::asio::awaitable<void> LoginFlow::sign_in_with_password(const http::Request& req, http::Response& res) const {
    if (!password_.enabled()) {
        co_await sign_in(req, res);
        co_return;
    }
    co_await password_.submit(req, res);
}

void LoginFlow::start(const http::Request& req, http::Response& res) const {
    if (!provider_.ready()) {
        const std::string id(http::request_id(req));
        spdlog::warn("login: cannot start: the identity provider is not discovered yet request_id={}", id);
        pages::write_error_page(res, {.status = 503,
                                      .title = "Sign-in unavailable",
                                      .message = "The identity provider cannot be reached yet. Please try again in a moment.",
                                      .request_id = id,
                                      .retry_url = config_.proxy_prefix + "/start?rd=" +
                                                   text::percent_encode(redirect_target(req))});
        return;
    }
    const auto state = new_login_state(redirect_target(req), callback_url(req),
                                       clock_.now() + config_.cookie_csrf_expire.count());
    const auto host = http::original_url(req, req.via_trusted_proxy()).host;
    res.status(302);
    res.header("Location", provider_.authorization_url(state.redirect_uri, state.state, state.nonce, state.code_verifier));
    res.header("Cache-Control", "no-store");
    res.header("Set-Cookie", session::format_set_cookie(csrf_cookie_name(state.state), csrf_.seal(state),
                                                        csrf_cookie_attributes(config_, host), clock_.now()));
    res.finish();
}

bool LoginFlow::refuse_callback(const http::Request& req, http::Response& res, std::string_view query,
                                const std::optional<LoginState>& login, std::string_view state, std::string_view code,
                                const std::string& rd) const {
    if (auto error = http::query_param(query, "error")) {
        const auto description = http::query_param(query, "error_description").value_or("");
        fail(req, res, 403, "The identity provider did not sign you in (" + *error + ").",
             "IdP returned error " + observe::log_text(*error) + ": " + observe::log_text(description), rd);
        return true;
    }
    if (!login) {
        fail(req, res, 403, "This sign-in link has expired or was opened in another browser.",
             "CSRF cookie missing, expired or invalid", "/");
        return true;
    }
    // State ties the answer to the login this browser started (login CSRF).
    if (!crypto::constant_time_equal(state, login->state)) {
        fail(req, res, 403, "This sign-in answer does not belong to your sign-in.", "state does not match the CSRF cookie",
             rd);
        return true;
    }
    if (code.empty()) {
        fail(req, res, 400, "The identity provider sent no authorization code.", "no code in the callback", rd);
        return true;
    }
    return false;
}

bool LoginFlow::refuse_tokens(const http::Request& req, http::Response& res, const oidc::RedeemResult& result,
                              const std::string& rd) const {
    if (!result.tokens) {
        fail(req, res, result.refused ? 403 : 502,
             result.forbidden  ? "Your account is not allowed to sign in here."
             : result.refused ? "The identity provider's answer could not be accepted."
                              : "The identity provider could not be reached.",
             result.error, rd);
        return true;
    }
    const auto& id = result.tokens->identity;
    if (const auto why = gate_.check_identity(id.email, id.groups); why != gate::Reason::allowed) {
        fail(req, res, 403, "Your account is not allowed to sign in here.",
             std::string(gate::to_string(why)) + ": " + observe::log_text(id.email), "");
        return true;
    }
    return false;
}

session::Session LoginFlow::new_session(const oidc::LoginTokens& tokens, std::int64_t now) const {
    session::Session s;
    adopt_identity(s, tokens.identity);
    s.access_token = tokens.access_token;
    s.id_token = tokens.id_token;
    s.refresh_token = tokens.refresh_token;
    s.created_at = now;
    s.expires_at = now + config_.cookie_expire.count();
    s.refresh_after = config_.cookie_refresh.count() > 0 ? now + config_.cookie_refresh.count() : 0;
    return s;
}

boost::asio::awaitable<void> LoginFlow::callback(const http::Request& req, http::Response& res) const {
    const auto query = req.query();
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    const auto host = http::original_url(req, req.via_trusted_proxy()).host;
    const auto state = http::query_param(query, "state").value_or("");
    const auto csrf_name = csrf_cookie_name(state);
    const auto login = csrf_.open(jar.get(csrf_name).value_or(""), clock_.now());
    const std::string rd = login ? login->rd : "/";
    const auto code = http::query_param(query, "code").value_or("");
    if (refuse_callback(req, res, query, login, state, code, rd)) co_return;

    const auto result = co_await provider_.redeem(code, login->code_verifier, login->redirect_uri, login->nonce);
    if (refuse_tokens(req, res, result, rd)) co_return;
    const std::int64_t now = clock_.now();
    const session::Session s = new_session(*result.tokens, now);
    const auto attrs = session_cookie_attributes(config_, host);
    const auto saved = co_await sessions_.create(s, jar, attrs, now);
    if (!saved.ok()) {
        fail(req, res, 503, "Your session could not be stored. Please try again in a moment.",
             "session store: " + saved.error, rd);
        co_return;
    }
    const std::string line = fmt::format("login: signed in user=\"{}\" email=\"{}\" groups={} rd=\"{}\"",
                                         observe::log_text(s.user), observe::log_text(s.email), s.groups.size(),
                                         observe::log_text(rd));
    answer_signed_in(req, res, s.email.empty() ? s.user : s.email, line, rd, saved.set_cookies,
                     session::format_clearing_cookie(csrf_name, csrf_cookie_attributes(config_, host)));
}

}  // namespace gh::login
