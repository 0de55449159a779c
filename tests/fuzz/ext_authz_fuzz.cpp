// Envoy's CheckRequest as bytes off the wire: the door's own reading of it (protobuf_wire), checked against the
// generated parser of the same .proto files, then both answers, which the generated classes must read back.
#include <cstdint>

#include "doors/config.hpp"
#include "doors/envoy_grpc/check_translation.hpp"
#include "envoy/service/auth/v3/external_auth.pb.h"
#include "../unit/test_sessions.hpp"

namespace {

namespace pb = envoy::service::auth::v3;
namespace eg = gh::doors::envoy_grpc;

std::string_view header(const pb::CheckRequest& r, const std::string& name) {
    const auto& h = r.attributes().request().http().headers();
    const auto it = h.find(name);
    return it == h.end() ? std::string_view{} : std::string_view(it->second);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto options = [] {
        gh::doors::Config o;
        o.set_xauthrequest = true;
        o.pass_access_token = true;
        o.proxy_prefix = "/oauth2";
        return o;
    }();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    eg::CheckView view;
    const eg::ReadResult read = eg::read_check_request(bytes, view);
    pb::CheckRequest oracle;
    // What protobuf reads, the door reads the same way; what it refuses, the door refuses (the fields the door skips
    // are checked as protobuf checks them: wire::MessageShape).
    const bool parsed = oracle.ParseFromArray(data, static_cast<int>(size));
    if (!parsed && read != eg::ReadResult::malformed) __builtin_trap();
    if (parsed) {
        if (read == eg::ReadResult::malformed) __builtin_trap();
        const auto& http = oracle.attributes().request().http();
        if (read == eg::ReadResult::ok &&
            (view.host != http.host() || view.path_and_query != http.path() || view.method != http.method()))
            __builtin_trap();
        // The header map's keys are matched in any case by the door; a map with one spelling of cookie only must
        // agree.
        if (read == eg::ReadResult::ok && http.headers_size() == 1 && http.header_map().headers_size() == 0 &&
            http.headers().count("cookie") == 1 && view.cookie != header(oracle, "cookie"))
            __builtin_trap();
    }
    if (read != eg::ReadResult::ok) return 0;
    std::string allow_bytes, deny_bytes;
    const auto s = gh::test::alice();
    eg::write_allow(&s, options, view, {"_oauth2_proxy=x; Path=/"}, allow_bytes);
    eg::write_denial({.http_status = 302, .grpc_code = eg::kUnauthenticated, .location = view.path_and_query,
                      .challenge = view.host},
                     {}, deny_bytes);
    pb::CheckResponse allow, deny;
    if (!allow.ParseFromString(allow_bytes) || !deny.ParseFromString(deny_bytes)) __builtin_trap();
    if (!allow.has_ok_response() || !deny.has_denied_response()) __builtin_trap();
    for (const auto& h : allow.ok_response().headers_to_remove())
        if (h.starts_with("x-auth-request-user")) __builtin_trap();  // ours are overwritten, never removed
    return 0;
}
