#pragma once
#include <chrono>
// Envoy's CheckRequest in, CheckResponse out: the translation between the ext_authz messages and what the
// gate needs and decides. Pure functions over the generated types, so they are tested without a server.
#include <string>
#include <string_view>
#include <vector>

#include "envoy/service/auth/v3/external_auth.pb.h"
#include "gate/route_rules.hpp"
#include "doors/config.hpp"
#include "session/session.hpp"

namespace gh::doors::envoy_grpc {

using envoy::service::auth::v3::CheckRequest;
using envoy::service::auth::v3::CheckResponse;

// gRPC status codes the verdict carries in CheckResponse.status (the RPC itself always ends OK: a failed RPC
// is an error to Envoy, not a denial).
enum GrpcCode : int { kOk = 0, kInvalidArgument = 3, kPermissionDenied = 7, kUnavailable = 14, kUnauthenticated = 16 };

// What the door needs of a CheckRequest, as views into it (valid while the request lives).
struct CheckView {
    std::string_view method, scheme, host;
    std::string_view path;            // without the query: what public routes and the policy match
    std::string_view path_and_query;  // for the sign-in redirect's rd
    std::string_view cookie, accept, x_requested_with, authorization;
    std::string_view forwarded_client_cert;  // x-forwarded-client-cert, for --client-certificate-headers=envoy
    std::string_view client;  // the downstream address Envoy reports (attributes.source), for logs
    std::string_view request_id, user_agent;  // for the request log
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // for the latency metric
    gate::RouteRules route;  // from context_extensions (Contour authPolicy.context, Istio, Envoy per-route)
    std::vector<std::string_view> client_identity_headers;  // names a client sent that look like ours
    std::string_view problem;                                // set when the request cannot be judged
};

// False (and `view.problem` set) when the request lacks what a decision needs.
bool read_check_request(const CheckRequest& request, CheckView& view);

// OK + identity headers that overwrite whatever the client sent, client-sent look-alikes removed, and
// `set_cookies` (a refreshed session) for the client's response. `s` null: a public route, no identity.
void write_allow(const session::Session* s, const Config& o, const CheckView& view,
                 const std::vector<std::string>& set_cookies, CheckResponse& response);

// A denial: `http_status` to the client (302 with `location` for a browser to sign in), `grpc_code` in status.
void write_denial(int http_status, GrpcCode grpc_code, std::string_view location, std::string_view body,
                  const std::vector<std::string>& set_cookies, CheckResponse& response);

}  // namespace gh::doors::envoy_grpc
