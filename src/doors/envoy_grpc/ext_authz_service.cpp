#include "doors/envoy_grpc/ext_authz_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>

#include "doors/bearer_challenge.hpp"
#include "doors/client_certificate_headers.hpp"
#include "doors/denial_log.hpp"
#include "doors/sign_in_redirect.hpp"
#include "http/original_request.hpp"
#include "http/request_checks.hpp"
#include "observe/log_lines.hpp"
#include "observe/log_text.hpp"
#include "observe/logs.hpp"
#include "observe/metrics.hpp"

namespace gh::doors::envoy_grpc {
namespace {

namespace asio = boost::asio;

std::string url_of(const CheckView& view) {
    return std::string(view.scheme) + "://" + std::string(view.host) + std::string(view.path_and_query);
}

}  // namespace

ExtAuthzService::ExtAuthzService(const gate::Gate& gate, Config config)
    : gate_(gate),
      config_(std::move(config)),
      trust_(config_.reverse_proxy, config_.trusted_ips, config_.real_client_ip_header) {}

gate::OriginalRequest ExtAuthzService::original_of(const CheckView& view, const session::CookieJar& jar,
                                                   bool from_trusted_proxy, std::string& host,
                                                   authz::ClientCertificate& certificate) const {
    gate::OriginalRequest original{.cookies = &jar,
                                   .route = view.route,
                                   .method = view.method,
                                   .authorization = view.authorization,
                                   .authorization_repeated = view.authorization_repeated,
                                   .client = view.client};
    // The attributes are Envoy's own reading of the request: read with the same rules as every other door.
    std::string_view port;
    const http::RequestTarget target = http::split_request_target(view.path_and_query);
    if (!http::canonical_host(view.host, host, port)) original.unreadable = "the CheckRequest's host is not a host name";
    else if (target.form != http::RequestTarget::Form::origin || !http::readable_target(view.path_and_query))
        original.unreadable = "the CheckRequest's path holds '#', a space or a control byte";
    original.path = target.path;
    original.host = host;
    original.cookie_host = host;
    if (const auto& sources = config_.client_certificate_headers; sources.envoy) {
        read_client_certificate({.forwarded_client_cert = view.forwarded_client_cert}, from_trusted_proxy, sources,
                                certificate);
        original.certificate = &certificate;
    }
    return original;
}

void ExtAuthzService::check(GrpcCall& call) const {
    CheckView view;
    const ReadResult read = read_check_request(call.message(), view);
    if (read == ReadResult::malformed) {
        spdlog::info("auth: door=grpc refused a call: the message is not a CheckRequest");
        return call.fail(RpcStatus::invalid_argument, "the message is not a CheckRequest");
    }
    thread_local std::string response;
    response.clear();
    if (read == ReadResult::incomplete) {
        // No host, no absolute path, no HTTP request at all: the original request cannot be read, as on every door.
        answer(view, {gate::Verdict::malformed, gate::Reason::original_request_unclear, "malformed CheckRequest: " + std::string(view.problem)},
               session::Session{}, response);
        return call.reply(response);
    }
    if (view.host.size() + view.path_and_query.size() > config_.max_url_length) {
        // Refused as the HTTP server refuses a long request line (414), before any rule: a denial would repeat the URL
        // three times over in its Location (D31-F2).
        answer(view, {gate::Verdict::malformed, gate::Reason::original_request_unclear,
                      "the CheckRequest's URL is longer than --max-url-length"},
               session::Session{}, response);
        return call.reply(response);
    }
    // Per-thread buffers, as on the HTTP doors: the fast path allocates nothing for the session.
    thread_local session::CookieJar jar;
    thread_local session::Session session;
    thread_local authz::ClientCertificate certificate;
    thread_local std::string host;
    jar.clear();
    if (!view.cookie.empty()) jar.add_header(view.cookie);
    // The peer is Envoy; it matters only to certificate headers, so its address is judged only for them.
    const bool from_trusted_proxy = config_.client_certificate_headers.envoy && !view.forwarded_client_cert.empty() &&
                                    trust_.trusts(call.peer().address);
    if (const auto d = gate_.decide_now(original_of(view, jar, from_trusted_proxy, host, certificate), session)) {
        answer(view, *d, session, response);
        return call.reply(response);
    }
    // The message stays in the call, held until the coroutine lets go, so that it can be read again in place.
    call.hold();
    asio::co_spawn(call.peer().executor, check_later(call, view.started, from_trusted_proxy),
                   [&call](std::exception_ptr e) {
                       if (e) {
                           try {
                               std::rethrow_exception(e);
                           } catch (const std::exception& ex) {
                               spdlog::error("auth: door=grpc internal error: {}", ex.what());
                           }
                           call.fail(RpcStatus::internal, "internal error");
                       }
                       call.let_go();
                   });
}

asio::awaitable<void> ExtAuthzService::check_later(GrpcCall& call, std::chrono::steady_clock::time_point started,
                                                   bool from_trusted_proxy) const {
    CheckView view;
    read_check_request(call.message(), view);
    view.started = started;
    session::CookieJar jar;
    if (!view.cookie.empty()) jar.add_header(view.cookie);
    session::Session session;
    authz::ClientCertificate certificate;
    std::string host;
    const gate::OriginalRequest original = original_of(view, jar, from_trusted_proxy, host, certificate);
    const gate::Decision d = co_await gate_.decide(original, session);
    // Answered already when the grpc-timeout passed, or gone when Envoy reset the stream: then only counted.
    std::string response;
    answer(view, d, session, response);
    call.reply(response);
}

void ExtAuthzService::answer(const CheckView& view, const gate::Decision& d, const session::Session& s,
                             std::string& response) const {
    const int status = write_verdict(view, d, s, response);
    observe::count_decision(static_cast<std::size_t>(d.reason));
    observe::count_request(endpoint_, status, std::chrono::steady_clock::now() - view.started);
    // The user is known when the session was read: allowed (not as a public route) or refused as signed in.
    const bool known =
        user_is_known(d) || (d.verdict == gate::Verdict::allow && d.reason != gate::Reason::public_route);
    const std::string_view user = known ? std::string_view(s.email.empty() ? s.user : s.email) : std::string_view{};
    const std::string_view client = view.client.empty() ? std::string_view("-") : view.client;
    observe::log_request({.client = client,
                          .request_id = view.request_id,
                          .user = user,
                          .host = view.host,
                          .method = view.method,
                          .uri = view.path_and_query,
                          .protocol = "gRPC",
                          .user_agent = view.user_agent,
                          .status = status,
                          .duration = std::chrono::steady_clock::now() - view.started});
    if (d.verdict == gate::Verdict::allow || !observe::auth_logging_on()) return;
    log_denied_request({.door = "door=grpc ",
                        .client = client,
                        .client_in_text = observe::log_text(client, 64),
                        .request_id = view.request_id,
                        .host = view.host,
                        .path = view.path},
                       d, s, status);
}

int ExtAuthzService::write_verdict(const CheckView& view, const gate::Decision& d, const session::Session& s,
                                   std::string& response) const {
    const std::vector<std::string>& set_cookies = d.set_cookies;
    switch (d.verdict) {
        case gate::Verdict::allow:
            // A public route carries no identity (`s` may hold another request's user); client-sent
            // look-alikes are removed all the same.
            write_allow(d.reason == gate::Reason::public_route ? nullptr : &s, config_, view, set_cookies, response);
            return 200;
        case gate::Verdict::sign_in_required:
            if (is_credential_refusal(d.reason) || wants_api_answer(view.accept, view.x_requested_with) ||
                gate_.is_api_route(view.path)) {
                const std::string challenge = bearer_challenge(config_, d);
                write_denial({.http_status = 401, .grpc_code = kUnauthenticated, .body = "Unauthorized\n",
                              .challenge = challenge},
                             set_cookies, response);
                return 401;
            }
            {
                const std::string location = sign_in_location(config_, view.scheme, view.host, url_of(view));
                write_denial({.http_status = 302, .grpc_code = kUnauthenticated, .location = location}, set_cookies,
                             response);
            }
            return 302;
        case gate::Verdict::forbidden: {
            const std::string challenge = is_credential_refusal(d.reason) ? bearer_challenge(config_, d) : std::string();
            write_denial({.http_status = 403, .grpc_code = kPermissionDenied, .body = "Forbidden\n",
                          .challenge = challenge},
                         set_cookies, response);
            return 403;
        }
        case gate::Verdict::malformed:
            write_denial({.http_status = 400, .grpc_code = kInvalidArgument, .body = "Bad Request\n"}, set_cookies,
                         response);
            return 400;
        case gate::Verdict::unavailable:
            write_denial({.http_status = 503, .grpc_code = kUnavailable, .body = "Service Unavailable\n"}, set_cookies,
                         response);
            return 503;
    }
    return 200;
}

}  // namespace gh::doors::envoy_grpc
