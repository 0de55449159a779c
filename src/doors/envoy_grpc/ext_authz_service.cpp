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

// The challenge of a 401 (RFC 6750), among the headers Envoy sends to the client with the denial.
void add_challenge(const std::string& challenge, CheckResponse& response) {
    if (challenge.empty()) return;
    auto* h = response.mutable_denied_response()->add_headers();
    h->mutable_header()->set_key("www-authenticate");
    h->mutable_header()->set_value(challenge);
    h->mutable_append()->set_value(false);
    h->set_append_action(envoy::config::core::v3::HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD);
}

std::string url_of(const CheckView& view) {
    return std::string(view.scheme) + "://" + std::string(view.host) + std::string(view.path_and_query);
}

}  // namespace

ExtAuthzService::ExtAuthzService(const gate::Gate& gate, Config config,
                                 std::vector<asio::any_io_executor> workers)
    : gate_(gate),
      config_(std::move(config)),
      trust_(config_.reverse_proxy, config_.trusted_ips, config_.real_client_ip_header),
      workers_(std::move(workers)) {}

bool ExtAuthzService::trusts_peer(const std::string& peer) const {
    std::string_view p = peer;
    if (p.starts_with("ipv4:")) p.remove_prefix(5);
    else if (p.starts_with("ipv6:")) p.remove_prefix(5);
    else return false;  // a Unix socket or an unknown transport names no address to trust
    if (p.starts_with('[')) p = p.substr(1, p.find(']') - 1);
    else p = p.substr(0, p.rfind(':'));
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(std::string(p), ec);
    return !ec && trust_.trusts(address);
}

gate::OriginalRequest ExtAuthzService::original_of(const CheckView& view, const session::CookieJar& jar,
                                                   bool from_trusted_proxy, std::string& host,
                                                   authz::ClientCertificate& certificate) const {
    gate::OriginalRequest original{.cookies = &jar,
                                   .route = view.route,
                                   .method = view.method,
                                   .authorization = view.authorization,
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

grpc::ServerUnaryReactor* ExtAuthzService::Check(grpc::CallbackServerContext* context, const CheckRequest* request,
                                                 CheckResponse* response) {
    auto* reactor = context->DefaultReactor();
    observe::gather_log_lines_on_pool_thread();  // once per gRPC thread: its log lines are batched too
    CheckView view;
    if (!read_check_request(*request, view)) {
        // No host, no absolute path, no HTTP request at all: the original request cannot be read, as on every door.
        answer(view, {gate::Verdict::malformed, gate::Reason::original_request_unclear, "malformed CheckRequest: " + std::string(view.problem)},
               session::Session{}, *response);
        reactor->Finish(grpc::Status::OK);
        return reactor;
    }
    // Per-thread buffers, as on the HTTP doors: the fast path allocates nothing for the session.
    thread_local session::CookieJar jar;
    thread_local session::Session session;
    thread_local authz::ClientCertificate certificate;
    thread_local std::string host;
    jar.clear();
    if (!view.cookie.empty()) jar.add_header(view.cookie);
    // The peer is Envoy; it matters only to certificate headers, so its address is read only for them.
    const bool from_trusted_proxy =
        config_.client_certificate_headers.envoy && !view.forwarded_client_cert.empty() && trusts_peer(context->peer());
    const auto d = gate_.decide_now(original_of(view, jar, from_trusted_proxy, host, certificate), session);
    if (d) {
        answer(view, *d, session, *response);
        reactor->Finish(grpc::Status::OK);
        return reactor;
    }
    // The request and response stay alive until Finish, so the I/O thread can work on them in place.
    const auto& worker = workers_[next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
    asio::co_spawn(worker, check_with_store(request, response, view.started, from_trusted_proxy), [reactor](std::exception_ptr e) {
        if (!e) return reactor->Finish(grpc::Status::OK);
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::error("auth: door=grpc internal error: {}", ex.what());
        }
        reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "internal error"));
    });
    return reactor;
}

asio::awaitable<void> ExtAuthzService::check_with_store(const CheckRequest* request, CheckResponse* response,
                                                        std::chrono::steady_clock::time_point started,
                                                        bool from_trusted_proxy) const {
    CheckView view;
    read_check_request(*request, view);
    view.started = started;
    session::CookieJar jar;
    if (!view.cookie.empty()) jar.add_header(view.cookie);
    session::Session session;
    authz::ClientCertificate certificate;
    std::string host;
    const gate::OriginalRequest original = original_of(view, jar, from_trusted_proxy, host, certificate);
    const gate::Decision d = co_await gate_.decide(original, session);
    answer(view, d, session, *response);
}

void ExtAuthzService::answer(const CheckView& view, const gate::Decision& d, const session::Session& s,
                             CheckResponse& response) const {
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
                                   CheckResponse& response) const {
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
                write_denial(401, kUnauthenticated, {}, "Unauthorized\n", set_cookies, response);
                add_challenge(bearer_challenge(config_, d), response);
                return 401;
            }
            write_denial(302, kUnauthenticated, sign_in_location(config_, view.scheme, view.host, url_of(view)), {},
                         set_cookies, response);
            return 302;
        case gate::Verdict::forbidden:
            write_denial(403, kPermissionDenied, {}, "Forbidden\n", set_cookies, response);
            if (is_credential_refusal(d.reason)) add_challenge(bearer_challenge(config_, d), response);
            return 403;
        case gate::Verdict::malformed:
            write_denial(400, kInvalidArgument, {}, "Bad Request\n", set_cookies, response);
            return 400;
        case gate::Verdict::unavailable:
            write_denial(503, kUnavailable, {}, "Service Unavailable\n", set_cookies, response);
            return 503;
    }
    return 200;
}

}  // namespace gh::doors::envoy_grpc
