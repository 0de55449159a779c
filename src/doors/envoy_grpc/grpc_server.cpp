#include "doors/envoy_grpc/grpc_server.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "doors/envoy_grpc/ext_authz_service.hpp"
#include "doors/envoy_grpc/grpc_call.hpp"
#include "doors/envoy_grpc/health_service.hpp"

namespace gh::doors::envoy_grpc {
namespace {

class GrpcDoor final : public http::H2Handler, public CallDispatcher {
public:
    GrpcDoor(const gate::Gate& gate, Config config, CallLimits limits)
        : ext_authz_(gate, std::move(config)), limits_(limits) {}

    http::H2Call* open_call(const http::H2Responder& responder, const http::H2Peer& peer) override {
        return &GrpcCall::open(*this, limits_, responder, peer);
    }
    std::string_view protocol_name() const override { return "gRPC"; }

    void dispatch(Method method, GrpcCall& call) override {
        switch (method) {
            case Method::ext_authz_check: return ext_authz_.check(call);
            case Method::health_check: return health_check(call);
            case Method::health_watch: return health_watch(call);
            case Method::unknown: return call.fail(RpcStatus::unimplemented, "unknown method");
        }
    }

private:
    ExtAuthzService ext_authz_;
    const CallLimits limits_;
};

// "host:port", "[::1]:port" or ":port" (every address), as --grpc-address takes it.
bool split_address(std::string_view address, std::string& host, std::uint16_t& port) {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos) return false;
    std::string_view h = address.substr(0, colon);
    const std::string_view p = address.substr(colon + 1);
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    if (h.empty()) h = "0.0.0.0";
    if (h == "localhost") h = "127.0.0.1";
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || end != p.data() + p.size()) return false;
    boost::system::error_code bad;
    boost::asio::ip::make_address(std::string(h), bad);
    if (bad) return false;
    host = std::string(h);
    return true;
}

}  // namespace

std::shared_ptr<http::H2Handler> grpc_door(const gate::Gate& gate, Config config, const ServerConfig& server) {
    return std::make_shared<GrpcDoor>(gate, std::move(config),
                                      CallLimits{.max_message_bytes = server.grpc_max_message_bytes,
                                                 .max_header_bytes = server.max_header_bytes,
                                                 // 4 of the largest messages, and thousands of usual Checks
                                                 .max_thread_request_bytes = std::max<std::size_t>(
                                                     16 << 20, 4 * (server.grpc_max_message_bytes + 5))});
}

http::H2Limits h2_limits(const ServerConfig& server) {
    return {.max_concurrent_streams = static_cast<std::uint32_t>(server.grpc_max_concurrent_streams),
            .max_header_list_bytes = static_cast<std::uint32_t>(server.max_header_bytes),
            // Envoy's Checks are a few KiB each, 100 at a time on a connection: 4 MiB holds them, and at least two of
            // the largest messages allowed.
            .max_buffered_body_bytes = std::max<std::size_t>(4 * 1024 * 1024, 2 * (server.grpc_max_message_bytes + 5)),
            .max_connection_age = server.grpc_max_connection_age};
}

Result<http::Listener> grpc_listener(std::shared_ptr<http::H2Handler> door, const ServerConfig& server) {
    http::Listener listener;
    if (!split_address(server.grpc_address, listener.host, listener.port))
        return failure(ErrorCode::invalid_value,
                       "--grpc-address: cannot listen on " + server.grpc_address + " (want IP:port)");
    listener.protocol = http::Protocol::h2;
    listener.h2 = std::move(door);
    listener.h2_limits = h2_limits(server);
    if (server.grpc_tls) {
        auto tls = http::load_server_tls({server.tls_cert_file, server.tls_key_file}, {"h2"});
        if (!tls) return failure(tls.error());
        listener.tls = true;
        listener.tls_context = std::move(*tls);
    }
    return listener;
}

}  // namespace gh::doors::envoy_grpc
