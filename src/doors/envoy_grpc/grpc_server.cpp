#include "doors/envoy_grpc/grpc_server.hpp"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "doors/envoy_grpc/connection_cap.hpp"
#include "doors/envoy_grpc/ext_authz_service.hpp"

namespace gh::doors::envoy_grpc {
namespace {

Result<std::string> read_file(const std::string& flag, const std::string& path) {
    std::ifstream in(path);
    if (!in) return failure(ErrorCode::unreadable_file, flag + ": cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Result<std::shared_ptr<grpc::ServerCredentials>> credentials(const ServerConfig& o) {
    if (!o.grpc_tls) return grpc::InsecureServerCredentials();  // h2c: the usual in-cluster setup
    const auto key = read_file("--tls-key-file", o.tls_key_file);
    if (!key) return failure(key.error());
    const auto cert = read_file("--tls-cert-file", o.tls_cert_file);
    if (!cert) return failure(cert.error());
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    return grpc::SslServerCredentials(ssl);
}

int ms(std::chrono::milliseconds d) {
    return static_cast<int>(std::min<std::chrono::milliseconds::rep>(d.count(), std::numeric_limits<int>::max()));
}

// The HTTP listener's limits, applied to the gRPC port: how many connections, how long one may take to start, sit
// idle or live, how many calls and how large a message or header block one may carry, how often it may ping.
void limit(grpc::ServerBuilder& builder, const ServerConfig& o) {
    cap_connections(builder, o.max_connections);
    builder.AddChannelArgument("grpc.server_handshake_timeout_ms", ms(o.header_read_timeout));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(o.idle_timeout));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ms(o.grpc_max_connection_age));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, ms(o.shutdown_timeout));
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, o.grpc_max_concurrent_streams);
    builder.SetMaxReceiveMessageSize(static_cast<int>(o.grpc_max_message_bytes));
    builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, static_cast<int>(o.max_header_bytes));
    // Keepalive pings from Envoy are welcome, but no more than one each 10 s: a third ping sooner is answered
    // with GOAWAY (too_many_pings) instead of costing a write each.
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
}

}  // namespace

struct GrpcServer::Impl {
    Impl(const gate::Gate& gate, Config config, std::vector<boost::asio::any_io_executor> workers)
        : service(gate, std::move(config), std::move(workers)) {}

    Result<void> start(const ServerConfig& options) {
        auto credentials_of_port = credentials(options);
        if (!credentials_of_port) return failure(credentials_of_port.error());
        grpc::EnableDefaultHealthCheckService(true);
        grpc::ServerBuilder builder;
        builder.AddListeningPort(options.grpc_address, *credentials_of_port, &port);
        limit(builder, options);
        builder.RegisterService(&service);
        server = builder.BuildAndStart();
        if (!server || port == 0)
            return failure(ErrorCode::invalid_value, "--grpc-address: cannot listen on " + options.grpc_address);
        server->GetHealthCheckService()->SetServingStatus(true);
        return {};
    }

    ExtAuthzService service;
    int port = 0;
    std::unique_ptr<grpc::Server> server;
};

Result<std::unique_ptr<GrpcServer>> GrpcServer::start(const gate::Gate& gate, Config config, const ServerConfig& server,
                                                      std::vector<boost::asio::any_io_executor> workers) {
    std::unique_ptr<GrpcServer> started(new GrpcServer(gate, std::move(config), std::move(workers)));
    if (auto listening = started->impl_->start(server); !listening) return failure(listening.error());
    return started;
}

GrpcServer::GrpcServer(const gate::Gate& gate, Config config, std::vector<boost::asio::any_io_executor> workers)
    : impl_(std::make_unique<Impl>(gate, std::move(config), std::move(workers))) {}

GrpcServer::~GrpcServer() {
    if (impl_->server) shutdown(std::chrono::milliseconds(0));
}

int GrpcServer::port() const { return impl_->port; }

void GrpcServer::shutdown(std::chrono::milliseconds deadline) {
    if (!impl_->server) return;
    impl_->server->GetHealthCheckService()->SetServingStatus(false);
    impl_->server->Shutdown(std::chrono::system_clock::now() + deadline);
    impl_->server->Wait();
    impl_->server.reset();
}

}  // namespace gh::doors::envoy_grpc
