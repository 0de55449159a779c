#pragma once
// The gRPC port: where, with or without TLS, and the HTTP port's limits applied to it (built by
// options/grpc_config.cpp).
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
    std::size_t max_connections = 16384;
    std::size_t max_header_bytes = 32768;
    std::chrono::milliseconds header_read_timeout{10'000};
    std::chrono::milliseconds idle_timeout{120'000};
    std::chrono::milliseconds shutdown_timeout{10'000};
};

}  // namespace gh::doors::envoy_grpc
