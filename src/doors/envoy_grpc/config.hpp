#pragma once
// The gRPC port: where, with or without TLS, and its HTTP/2 and gRPC limits (built by options/grpc_config.cpp).
// The connection cap and the timeouts are the HTTP server's own, applied to every listener it serves.
#include <chrono>
#include <cstddef>
#include <string>

namespace gh::doors::envoy_grpc {

struct ServerConfig {
    std::string grpc_address;  // host:port
    bool grpc_tls = false;
    std::string tls_cert_file;
    std::string tls_key_file;
    int grpc_max_concurrent_streams = 100;
    std::size_t grpc_max_message_bytes = 4 << 20;
    std::chrono::milliseconds grpc_max_connection_age{30 * 60 * 1000};
    std::size_t max_header_bytes = 32768;  // the header list of a call (SETTINGS_MAX_HEADER_LIST_SIZE)
};

}  // namespace gh::doors::envoy_grpc
