#pragma once
// The gRPC door (--grpc-address): ext_authz Check and the standard grpc.health.v1 service, as HTTP/2 (h2c, or TLS
// with ALPN h2 under --grpc-tls) on the HTTP server's own I/O threads. This builds the listener the server serves;
// the server holds it to the HTTP port's limits (connection cap, timeouts, drain on SIGTERM).
#include <memory>

#include "doors/config.hpp"
#include "doors/envoy_grpc/config.hpp"
#include "gate/gate.hpp"
#include "http/server.hpp"
#include "result/result.hpp"

namespace gh::doors::envoy_grpc {

// The door that answers gRPC calls on HTTP/2 streams, for a listener of its own or one shared with HTTP/1.1.
std::shared_ptr<http::H2Handler> grpc_door(const gate::Gate& gate, Config config, const ServerConfig& server);

// HTTP/2's limits for the gRPC door's connections.
http::H2Limits h2_limits(const ServerConfig& server);

// The listener for --grpc-address, or why not (naming the flag).
Result<http::Listener> grpc_listener(std::shared_ptr<http::H2Handler> door, const ServerConfig& server);

}  // namespace gh::doors::envoy_grpc
