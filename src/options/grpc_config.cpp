// The gRPC port's own settings; the HTTP server holds it to its connection cap and timeouts as well.
#include "options/component_configs.hpp"

namespace gh::options {

doors::envoy_grpc::ServerConfig grpc_config(const Options& o) {
    doors::envoy_grpc::ServerConfig c;
    c.grpc_address = o.grpc_address;
    c.grpc_tls = o.grpc_tls;
    c.tls_cert_file = o.tls_cert_file;
    c.tls_key_file = o.tls_key_file;
    c.grpc_max_concurrent_streams = o.grpc_max_concurrent_streams;
    c.grpc_max_message_bytes = o.grpc_max_message_bytes;
    c.grpc_max_connection_age = o.grpc_max_connection_age;
    c.max_header_bytes = o.max_header_bytes;
    return c;
}

}  // namespace gh::options
