// Envoy's CheckRequest as bytes off the wire: protobuf parsing, then the door's reading of it and both answers.
#include <cstdint>

#include "doors/envoy_grpc/check_translation.hpp"
#include "doors/config.hpp"
#include "../unit/test_sessions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto options = [] {
        gh::doors::Config o;
        o.set_xauthrequest = true;
        o.pass_access_token = true;
        o.proxy_prefix = "/oauth2";
        return o;
    }();
    gh::doors::envoy_grpc::CheckRequest request;
    if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
    gh::doors::envoy_grpc::CheckView view;
    if (!gh::doors::envoy_grpc::read_check_request(request, view)) return 0;
    gh::doors::envoy_grpc::CheckResponse allow, deny;
    const auto s = gh::test::alice();
    gh::doors::envoy_grpc::write_allow(&s, options, view, {}, allow);
    for (const auto& h : allow.ok_response().headers_to_remove())
        if (h.starts_with("x-auth-request-user")) __builtin_trap();  // ours are overwritten, never removed
    gh::doors::envoy_grpc::write_denial(302, gh::doors::envoy_grpc::kUnauthenticated, view.path_and_query, {}, {}, deny);
    std::string wire;
    if (!allow.SerializeToString(&wire) || !deny.SerializeToString(&wire)) __builtin_trap();
    return 0;
}
