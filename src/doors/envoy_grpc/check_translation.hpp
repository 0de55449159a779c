#pragma once
// Envoy's CheckRequest in, CheckResponse out: the translation between the ext_authz messages on the wire and what
// the gate needs and decides. Pure functions over bytes (protobuf_wire.hpp says why not the generated classes),
// so they are tested without a server, against the generated classes as the oracle.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "doors/config.hpp"
#include "gate/route_rules.hpp"
#include "session/session.hpp"

namespace gh::doors::envoy_grpc {

// gRPC status codes the verdict carries in CheckResponse.status (the RPC itself always ends OK: a failed RPC
// is an error to Envoy, not a denial).
enum GrpcCode : int { kOk = 0, kInvalidArgument = 3, kPermissionDenied = 7, kUnavailable = 14, kUnauthenticated = 16 };

// What the door needs of a CheckRequest, as views into its bytes (valid while they live).
struct CheckView {
    std::string_view method, scheme, host;
    std::string_view path;            // without the query: what public routes and the policy match
    std::string_view path_and_query;  // for the sign-in redirect's rd
    std::string_view cookie, accept, x_requested_with, authorization;
    // Authorization came more than once (two entries of header_map, or of headers in two spellings): the HTTP doors'
    // rule applies, credentials in it are refused (which one counts would depend on the reader).
    bool authorization_repeated = false;
    std::string_view forwarded_client_cert;  // x-forwarded-client-cert, for --client-certificate-headers=envoy
    std::string_view client;  // the downstream address Envoy reports (attributes.source), for logs
    std::string_view request_id, user_agent;  // for the request log
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // for the latency metric
    gate::RouteRules route;  // from context_extensions (Contour authPolicy.context, Istio, Envoy per-route)
    std::vector<std::string_view> client_identity_headers;  // names a client sent that look like ours
    std::string_view problem;                                // set when the request cannot be judged
};

enum class ReadResult {
    ok,
    incomplete,  // a CheckRequest without what a decision needs: `view.problem` says what (denied, 400)
    malformed,   // not a CheckRequest at all (the RPC fails)
};
ReadResult read_check_request(std::string_view bytes, CheckView& view);

// OK + identity headers that overwrite whatever the client sent, client-sent look-alikes removed, and
// `set_cookies` (a refreshed session) for the client's response. `s` null: a public route, no identity.
// Appends the CheckResponse's bytes to `out`.
void write_allow(const session::Session* s, const Config& o, const CheckView& view,
                 const std::vector<std::string>& set_cookies, std::string& out);

// A denial: `http_status` to the client (302 with `location` for a browser to sign in), `grpc_code` in status,
// `challenge` as WWW-Authenticate (RFC 6750) when not empty. Appends the CheckResponse's bytes to `out`.
struct Denial {
    int http_status = 403;
    GrpcCode grpc_code = kPermissionDenied;
    std::string_view location;
    std::string_view body;
    std::string_view challenge;
};
void write_denial(const Denial& denial, const std::vector<std::string>& set_cookies, std::string& out);

}  // namespace gh::doors::envoy_grpc
