#include "doors/http_door.hpp"

#include <spdlog/spdlog.h>

#include "doors/bearer_challenge.hpp"
#include "doors/client_certificate_headers.hpp"
#include "doors/identity_headers.hpp"
#include "doors/sign_in_redirect.hpp"
#include "http/form.hpp"
#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "pages/pages.hpp"
#include "observe/log_text.hpp"
#include "observe/logs.hpp"
#include "observe/metrics.hpp"

namespace gh::doors {
namespace {

std::string door_path(DoorKind kind, const std::string& prefix) {
    switch (kind) {
        case DoorKind::nginx: return prefix + "/auth";
        case DoorKind::forward_auth: return prefix + "/forward_auth";
        case DoorKind::envoy_http: return prefix + "/envoy";
    }
    return prefix + "/auth";
}

// "https, http" from a chain of proxies: the first is what the client used.
std::string_view first_value(std::string_view v) { return v.substr(0, v.find(',')); }

}  // namespace

HttpDoor::HttpDoor(DoorKind kind, const gate::Gate& gate, std::shared_ptr<const options::Options> options,
                   const login::SessionRefresher* refresher)
    : kind_(kind),
      gate_(gate),
      options_(std::move(options)),
      refresher_(refresher),
      path_(door_path(kind, options_->proxy_prefix)) {}

bool HttpDoor::serves(std::string_view request_path) const {
    if (kind_ != DoorKind::envoy_http) return request_path == path_;
    // Envoy appends the original path to its path_prefix.
    return request_path.starts_with(path_) && (request_path.size() == path_.size() || request_path[path_.size()] == '/');
}

gate::OriginalRequest HttpDoor::original_request(const http::Request& req, const session::CookieJar& jar,
                                                std::string& client, authz::ClientCertificate& certificate) const {
    // nginx, Traefik, Caddy and Envoy pass the client's Authorization header on to the auth request. Its client
    // address matters only to limits on failed passwords, so it is worked out only when credentials came.
    const std::string_view authorization = req.header("Authorization");
    if (!authorization.empty()) client = http::client_ip(req);
    gate::OriginalRequest original{.cookies = &jar, .authorization = authorization, .client = client};
    if (const auto& sources = options_->client_certificate_headers; sources.any()) {
        read_client_certificate({.verify = req.header("ssl-client-verify"),
                                 .subject_dn = req.header("ssl-client-subject-dn"),
                                 .issuer_dn = req.header("ssl-client-issuer-dn"),
                                 .forwarded_client_cert = req.header("x-forwarded-client-cert")},
                                req.via_trusted_proxy(), sources, certificate);
        original.certificate = &certificate;
    }
    if (kind_ == DoorKind::envoy_http) {
        // The request line is the original request, under our prefix; Envoy is the caller, not the client.
        std::string_view path = req.path().substr(path_.size());
        original.method = req.method();
        original.path = path.empty() ? std::string_view("/") : path;
        original.host = req.header("Host");
        return original;
    }
    original.route = gate::route_rules_from_query(req.query());
    if (gate_.has_public_routes()) {
        const auto target = http::original_target(req, req.via_trusted_proxy());
        original.method = target.method;
        original.path = target.path;
        original.host = target.host;
    }
    return original;
}

bool HttpDoor::on_api_route(const http::Request& req) const {
    if (!gate_.has_api_routes()) return false;
    const std::string uri = original_url(req).uri;
    return gate_.is_api_route(std::string_view(uri).substr(0, uri.find('?')));
}

http::OriginalUrl HttpDoor::original_url(const http::Request& req) const {
    if (kind_ != DoorKind::envoy_http) return http::original_url(req, req.via_trusted_proxy());
    const std::string_view proto = first_value(req.header("X-Forwarded-Proto"));
    std::string uri(req.target().substr(path_.size()));
    if (uri.empty() || uri.front() != '/') uri.insert(0, "/");
    return {proto == "http" ? "http" : "https", std::string(req.header("Host")), std::move(uri)};
}

boost::asio::awaitable<void> HttpDoor::handle(const http::Request& req, http::Response& res) const {
    // Per-thread: the jar's vector and the session's strings keep their capacity across requests.
    thread_local session::CookieJar jar;
    thread_local session::Session session;
    jar.clear();
    req.for_each("Cookie", [](std::string_view v) { jar.add_header(v); });

    thread_local std::string client;
    thread_local authz::ClientCertificate certificate;
    const auto d = gate_.decide_now(original_request(req, jar, client, certificate), session);
    if (!d) {
        co_await handle_with_store(req, res);
        co_return;
    }
    if (d->verdict == gate::Verdict::allow && d->reason != gate::Reason::public_route && refresher_ &&
        refresher_->due(session)) {
        // Copies: the thread-local buffers belong to whichever request runs next while this one waits.
        co_await allow_after_refresh(req, res, session, jar);
        co_return;
    }
    answer(req, res, *d, session);
}

boost::asio::awaitable<void> HttpDoor::handle_with_store(const http::Request& req, http::Response& res) const {
    session::CookieJar jar;
    req.for_each("Cookie", [&jar](std::string_view v) { jar.add_header(v); });
    session::Session session;
    std::string client;
    authz::ClientCertificate certificate;
    const gate::OriginalRequest original = original_request(req, jar, client, certificate);
    const gate::Decision d = co_await gate_.decide(original, session);
    if (d.verdict == gate::Verdict::allow && d.reason != gate::Reason::public_route && refresher_ &&
        refresher_->due(session)) {
        co_await allow_after_refresh(req, res, std::move(session), std::move(jar));
        co_return;
    }
    answer(req, res, d, session);
}

void HttpDoor::answer(const http::Request& req, http::Response& res, const gate::Decision& d,
                      const session::Session& session, const std::vector<std::string>& set_cookies) const {
    observe::count_decision(static_cast<std::size_t>(d.reason));
    switch (d.verdict) {
        case gate::Verdict::allow:
            res.status(kind_ == DoorKind::nginx ? 202 : 200);
            // A public route carries no identity: `session` may still hold another request's user.
            if (d.reason != gate::Reason::public_route) {
                write_identity_headers(session, *options_, res);
                res.log_user(session.email.empty() ? session.user : session.email);
            }
            break;
        case gate::Verdict::sign_in_required:
            // A client that presented a bearer token is a program: 401 with the challenge, never a redirect.
            if (kind_ == DoorKind::nginx || is_credential_refusal(d.reason) ||
                wants_api_answer(req.header("Accept"), req.header("X-Requested-With")) || on_api_route(req)) {
                res.status(401);
                // nginx passes a 401's WWW-Authenticate on to the client; the other proxies pass the whole answer.
                if (const auto challenge = bearer_challenge(*options_, d); !challenge.empty())
                    res.header("WWW-Authenticate", challenge);
            } else {
                const auto url = original_url(req);
                res.status(302);
                res.header("Location", sign_in_location(*options_, url.scheme, url.host, url.to_string()));
                res.header("Cache-Control", "no-store");
            }
            break;
        case gate::Verdict::forbidden:
            // Refused credentials (a bad token with --bearer-token-login-fallback=false, too many failed passwords):
            // 403 with the challenge, and no identity.
            if (is_credential_refusal(d.reason)) {
                res.status(403);
                res.header("WWW-Authenticate", bearer_challenge(*options_, d));
                break;
            }
            res.log_user(session.email.empty() ? session.user : session.email);
            if (kind_ == DoorKind::nginx) {
                res.status(403);  // nginx never shows an auth body; see the error_page 403 recipe in the README
                break;
            }
            write_forbidden_page(req, res, session, set_cookies);
            log_denial(req, d, session, 403);
            return;
        case gate::Verdict::unavailable:
            // Fail closed: nginx turns any status but 2xx/401/403 from the auth request into a 500; Traefik,
            // Caddy and Envoy pass it on.
            res.status(503);
            break;
    }
    // nginx's auth_request_set sees only the first Set-Cookie: a refreshed session that needs chunks should
    // live in Redis (--session-store-type=redis); the chunks are still all sent for proxies that forward them all.
    for (const auto& c : set_cookies) res.header("Set-Cookie", c);
    res.finish();
    if (d.verdict != gate::Verdict::allow) log_denial(req, d, session, res.status_code());
}

boost::asio::awaitable<void> HttpDoor::allow_after_refresh(const http::Request& req, http::Response& res,
                                                           session::Session session, session::CookieJar jar) const {
    std::vector<std::string> set_cookies;
    const auto host = original_url(req).host;
    const auto outcome = co_await refresher_->refresh(session, jar, host, set_cookies);
    if (outcome == login::RefreshOutcome::refused) {
        answer(req, res, {gate::Verdict::sign_in_required, gate::Reason::session_expired}, session, set_cookies);
        co_return;
    }
    // The renewed identity must still pass the global and per-app rules.
    gate::Reason why = gate_.check_identity(session.email, session.groups);
    if (why == gate::Reason::allowed && kind_ != DoorKind::envoy_http)
        why = gate::check_route_rules(gate::route_rules_from_query(req.query()), session);
    const gate::Decision d = why == gate::Reason::allowed ? gate::Decision{gate::Verdict::allow, why}
                                                          : gate::Decision{gate::Verdict::forbidden, why};
    answer(req, res, d, session, set_cookies);
}

void HttpDoor::write_forbidden_page(const http::Request& req, http::Response& res, const session::Session& session,
                                    const std::vector<std::string>& set_cookies) const {
    // Who is signed in, which app refused, and the ways out; never which rule refused (that would tell a
    // stranger about the policy).
    const auto url = original_url(req);
    const std::string& prefix = options_->proxy_prefix;
    const std::string auth_origin = [&] {
        const std::string start = sign_in_location(*options_, url.scheme, url.host, "");
        return start.substr(0, start.find(prefix + "/start"));
    }();
    const std::string id(http::request_id(req));
    const std::string switch_account = auth_origin + prefix + "/sign_out?rd=" + http::percent_encode(url.to_string());
    const std::string sign_out = auth_origin + prefix + "/sign_out";
    pages::write_error_page(res, {.status = 403,
                                  .title = "Access denied",
                                  .message = "Your account is signed in, but it may not use this application.",
                                  .request_id = id,
                                  .signed_in_as = session.email.empty() ? session.user : session.email,
                                  .app = url.host,
                                  .sign_out_url = sign_out,
                                  .switch_account_url = switch_account,
                                  .set_cookies = set_cookies});
}

void HttpDoor::log_denial(const http::Request& req, const gate::Decision& d, const session::Session& s,
                          int status) const {
    if (!observe::auth_logging_on()) return;
    // Who is known only when refused as signed in; a 401 (or a refused bearer token) has no trustworthy identity.
    const bool known = d.verdict == gate::Verdict::forbidden && !is_credential_refusal(d.reason);
    const std::string_view user = known ? std::string_view(s.email.empty() ? s.user : s.email) : std::string_view{};
    const auto url = original_url(req);
    const std::string_view path = std::string_view(url.uri).substr(0, url.uri.find('?'));
    const std::string client = http::client_ip(req);
    std::string message = fmt::format(
        "auth: status={} reason=\"{}\" client={} user=\"{}\" email=\"{}\" host=\"{}\" path=\"{}\"", status,
        gate::to_string(d.reason), client, known ? observe::log_text(s.user) : "", known ? observe::log_text(s.email) : "",
        observe::log_text(url.host), observe::log_text(path));
    if (!d.detail.empty()) message += " detail=\"" + observe::log_text(d.detail) + "\"";
    observe::log_auth({.status = d.verdict == gate::Verdict::unavailable ? observe::AuthStatus::error
                                                                         : observe::AuthStatus::failure,
                       .client = client,
                       .request_id = http::request_id(req),
                       .user = user,
                       .message = message,
                       .reason = gate::metric_name(d.reason),
                       .http_status = status,
                       .host = url.host,
                       .path = path});
}

}  // namespace gh::doors
