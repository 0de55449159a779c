#include "doors/http_door.hpp"

#include <spdlog/spdlog.h>

#include "doors/bearer_challenge.hpp"
#include "doors/client_certificate_headers.hpp"
#include "doors/denial_log.hpp"
#include "doors/sign_in_redirect.hpp"
#include "http/form.hpp"
#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "identity/identity_headers.hpp"
#include "observe/log_text.hpp"
#include "observe/logs.hpp"
#include "observe/metrics.hpp"
#include "pages/pages.hpp"

namespace gh::doors {
namespace {

constexpr const char* kUntrustedPeer =
    "the original request comes in forwarded headers, and this peer is not a trusted proxy (--reverse-proxy, "
    "--trusted-proxy-ip)";

}  // namespace

HttpDoor::HttpDoor(const DoorProfile& profile, const gate::Gate& gate, Config config)
    : profile_(profile),
      gate_(gate),
      config_(std::move(config)),
      path_(config_.proxy_prefix + std::string(profile.path)),
      source_(profile.source(config_)) {}

bool HttpDoor::serves(std::string_view request_path) const {
    if (!profile_.path_is_prefix) return request_path == path_;
    return request_path.starts_with(path_) && (request_path.size() == path_.size() || request_path[path_.size()] == '/');
}

const char* HttpDoor::read_original(const http::Request& req, http::OriginalRequest& read) const {
    if (source_ != http::OriginalSource::request_line && !req.via_trusted_proxy()) return kUntrustedPeer;
    const char* problem = http::read_original_request(req, source_, read,
                                                      profile_.path_is_prefix ? std::string_view(path_) : std::string_view{});
    if (!problem && profile_.adjust_original) profile_.adjust_original(req, read);
    return problem;
}

gate::OriginalRequest HttpDoor::original_request(const http::Request& req, const session::CookieJar& jar,
                                                http::OriginalRequest& read, std::string& client,
                                                authz::ClientCertificate& certificate) const {
    // nginx, Traefik, Caddy and Envoy pass the client's Authorization header on to the auth request. Its client
    // address matters only to limits on failed passwords, so it is worked out only when credentials came.
    const std::string_view authorization = req.header("Authorization");
    if (!authorization.empty()) client = http::client_ip(req);
    gate::OriginalRequest original{.cookies = &jar,
                                   .authorization = authorization,
                                   .authorization_repeated = req.repeated("Authorization"),
                                   .client = client};
    if (const auto& sources = config_.client_certificate_headers; sources.any()) {
        read_client_certificate({.verify = req.header("ssl-client-verify"),
                                 .subject_dn = req.header("ssl-client-subject-dn"),
                                 .issuer_dn = req.header("ssl-client-issuer-dn"),
                                 .forwarded_client_cert = req.header("x-forwarded-client-cert")},
                                req.via_trusted_proxy(), sources, certificate);
        original.certificate = &certificate;
    }
    // The auth URL's own query holds the per-app rules, unless the request line is the original request's.
    if (profile_.route_rules_in_query) original.route = gate::route_rules_from_query(req.query());
    if (!gate_.needs_original_request()) return original;
    if (const char* problem = read_original(req, read)) {
        original.unreadable = problem;
        original.untrusted = problem == kUntrustedPeer;
        return original;
    }
    original.method = read.method;
    original.path = read.path;
    original.host = read.host;
    return original;
}

HttpDoor::Described HttpDoor::describe(const http::Request& req, const gate::OriginalRequest& o,
                                       http::OriginalRequest& read) const {
    if (o.host.empty() && read_original(req, read)) {
        // Not read, or not readable: what the request says of itself, for the log and a way back (never decided on).
        const std::string_view scheme = req.secure() ? "https" : "http";
        std::string host(req.header("Host"));
        return {std::string(scheme), std::string(scheme) + "://" + host + std::string(req.target()), host,
                std::string(req.path())};
    }
    return {std::string(read.scheme), read.url(), read.authority(), std::string(read.path)};
}

boost::asio::awaitable<void> HttpDoor::handle(const http::Request& req, http::Response& res) const {
    // Per-thread: the jar's vector, the reading's host and the session's strings keep their capacity across requests.
    thread_local session::CookieJar jar;
    thread_local session::Session session;
    thread_local http::OriginalRequest read;
    jar.clear();
    req.for_each("Cookie", [](std::string_view v) { jar.add_header(v); });

    thread_local std::string client;
    thread_local authz::ClientCertificate certificate;
    const gate::OriginalRequest original = original_request(req, jar, read, client, certificate);
    const auto d = gate_.decide_now(original, session);
    if (!d) {
        co_await handle_with_store(req, res);
        co_return;
    }
    answer(req, original, read, res, *d, session);
}

boost::asio::awaitable<void> HttpDoor::handle_with_store(const http::Request& req, http::Response& res) const {
    session::CookieJar jar;
    req.for_each("Cookie", [&jar](std::string_view v) { jar.add_header(v); });
    session::Session session;
    http::OriginalRequest read;
    std::string client;
    authz::ClientCertificate certificate;
    gate::OriginalRequest original = original_request(req, jar, read, client, certificate);
    // A session renewed on the way gets its cookie for the original host's cookie domain (the reading the gate
    // uses, when it needed one).
    const std::string cookie_host = describe(req, original, read).host;
    original.cookie_host = cookie_host;
    const gate::Decision d = co_await gate_.decide(original, session);
    answer(req, original, read, res, d, session);
}

void HttpDoor::answer(const http::Request& req, const gate::OriginalRequest& o, http::OriginalRequest& read,
                      http::Response& res, const gate::Decision& d, const session::Session& session) const {
    observe::count_decision(static_cast<std::size_t>(d.reason));
    switch (d.verdict) {
        case gate::Verdict::allow:
            res.status(profile_.allow_status);
            // A public route carries no identity: `session` may still hold another request's user.
            if (d.reason != gate::Reason::public_route) {
                identity::write_identity_headers(session, config_, res);
                res.log_user(session.email.empty() ? session.user : session.email);
            }
            write_blank_identity_headers(session, d.reason == gate::Reason::public_route, res);
            break;
        case gate::Verdict::sign_in_required:
            answer_sign_in_required(req, o, read, res, d);
            break;
        case gate::Verdict::forbidden:
            if (answer_forbidden(req, o, read, res, d, session)) return;
            break;
        case gate::Verdict::malformed:
            // nginx turns any auth answer but 2xx/401/403 into a 500 for the client: 403 there, 400 elsewhere.
            res.status(profile_.proxy_uses_status_only ? 403 : 400);
            break;
        case gate::Verdict::unavailable:
            // Fail closed: nginx turns any status but 2xx/401/403 from the auth request into a 500; Traefik,
            // Caddy and Envoy pass it on.
            res.status(503);
            break;
    }
    // nginx's auth_request_set sees only the first Set-Cookie: a refreshed session that needs chunks should
    // live in Redis (--session-store-type=redis); the chunks are still all sent for proxies that forward them all.
    for (const auto& c : d.set_cookies) res.header("Set-Cookie", c);
    res.finish();
    if (d.verdict != gate::Verdict::allow) log_denial(req, describe(req, o, read), d, session, res.status_code());
}

void HttpDoor::answer_sign_in_required(const http::Request& req, const gate::OriginalRequest& o,
                                       http::OriginalRequest& read, http::Response& res,
                                       const gate::Decision& d) const {
    // A client that presented a bearer token is a program: 401 with the challenge, never a redirect.
    if (profile_.proxy_uses_status_only || is_credential_refusal(d.reason) ||
        wants_api_answer(req.header("Accept"), req.header("X-Requested-With")) ||
        (!o.path.empty() && gate_.is_api_route(o.path))) {
        res.status(401);
        // nginx passes a 401's WWW-Authenticate on to the client; the other proxies pass the whole answer.
        if (const auto challenge = bearer_challenge(config_, d); !challenge.empty())
            res.header("WWW-Authenticate", challenge);
        return;
    }
    const auto original = describe(req, o, read);
    res.status(302);
    res.header("Location", sign_in_location(config_, original.scheme, original.host, original.url));
    res.header("Cache-Control", "no-store");
}

bool HttpDoor::answer_forbidden(const http::Request& req, const gate::OriginalRequest& o, http::OriginalRequest& read,
                                http::Response& res, const gate::Decision& d, const session::Session& session) const {
    // Refused credentials (a bad token with --bearer-token-login-fallback=false, too many failed passwords):
    // 403 with the challenge, and no identity.
    if (is_credential_refusal(d.reason)) {
        res.status(403);
        res.header("WWW-Authenticate", bearer_challenge(config_, d));
        return false;
    }
    res.log_user(session.email.empty() ? session.user : session.email);
    if (profile_.proxy_uses_status_only) {
        res.status(403);  // nginx never shows an auth body; see the error_page 403 recipe in the README
        return false;
    }
    const auto original = describe(req, o, read);
    write_forbidden_page(req, original, res, session, d.set_cookies);
    log_denial(req, original, d, session, 403);
    return true;
}

void HttpDoor::write_blank_identity_headers(const session::Session& s, bool anonymous, http::Response& res) const {
    // Caddy 2.6's copy_headers writes the literal text "{http.reverse_proxy.header.X-Auth-Request-User}" for a header
    // the auth answer lacks, and an app reads that as a user name. An empty value is copied as empty (nginx's
    // proxy_set_header drops it, which also removes a client's own copy).
    if (!config_.set_xauthrequest) return;
    if (anonymous) res.header("X-Auth-Request-User", "");
    if (anonymous || s.email.empty()) res.header("X-Auth-Request-Email", "");
    if (anonymous || s.groups.empty()) res.header("X-Auth-Request-Groups", "");
    if (anonymous || s.preferred_username.empty()) res.header("X-Auth-Request-Preferred-Username", "");
}

void HttpDoor::write_forbidden_page(const http::Request& req, const Described& original, http::Response& res, const session::Session& session,
                                    const std::vector<std::string>& set_cookies) const {
    // Who is signed in, which app refused, and the ways out; never which rule refused (that would tell a
    // stranger about the policy).
    const std::string& prefix = config_.proxy_prefix;
    const std::string auth_origin = [&] {
        const std::string start = sign_in_location(config_, original.scheme, original.host, "");
        return start.substr(0, start.find(prefix + "/start"));
    }();
    const std::string id(http::request_id(req));
    const std::string switch_account = auth_origin + prefix + "/sign_out?rd=" + text::percent_encode(original.url);
    const std::string sign_out = auth_origin + prefix + "/sign_out";
    pages::write_error_page(res, {.status = 403,
                                  .title = "Access denied",
                                  .message = "Your account is signed in, but it may not use this application.",
                                  .request_id = id,
                                  .signed_in_as = session.email.empty() ? session.user : session.email,
                                  .app = original.host,
                                  .sign_out_url = sign_out,
                                  .switch_account_url = switch_account,
                                  .set_cookies = set_cookies});
}

void HttpDoor::log_denial(const http::Request& req, const Described& original, const gate::Decision& d,
                          const session::Session& s, int status) const {
    if (!observe::auth_logging_on()) return;  // before the client's address is worked out
    const std::string client = http::client_ip(req);
    log_denied_request({.client = client,
                        .client_in_text = client,
                        .request_id = http::request_id(req),
                        .host = original.host,
                        .path = original.path},
                       d, s, status);
}

}  // namespace gh::doors
