#include "doors/envoy_grpc/grpc_server.hpp"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "doors/envoy_grpc/ext_authz_service.hpp"

namespace gh::doors::envoy_grpc {
namespace {

std::string read_file(const std::string& flag, const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(flag + ": cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::shared_ptr<grpc::ServerCredentials> credentials(const options::Options& o) {
    if (!o.grpc_tls) return grpc::InsecureServerCredentials();  // h2c: the usual in-cluster setup
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({read_file("--tls-key-file", o.tls_key_file), read_file("--tls-cert-file", o.tls_cert_file)});
    return grpc::SslServerCredentials(ssl);
}

}  // namespace

struct GrpcServer::Impl {
    Impl(const gate::Gate& gate, std::shared_ptr<const options::Options> options,
         std::vector<boost::asio::any_io_executor> workers)
        : service(gate, options, std::move(workers)) {
        grpc::EnableDefaultHealthCheckService(true);
        grpc::ServerBuilder builder;
        builder.AddListeningPort(options->grpc_address, credentials(*options), &port);
        builder.RegisterService(&service);
        server = builder.BuildAndStart();
        if (!server || port == 0) throw std::runtime_error("--grpc-address: cannot listen on " + options->grpc_address);
        server->GetHealthCheckService()->SetServingStatus(true);
    }

    ExtAuthzService service;
    int port = 0;
    std::unique_ptr<grpc::Server> server;
};

GrpcServer::GrpcServer(const gate::Gate& gate, std::shared_ptr<const options::Options> options,
                       std::vector<boost::asio::any_io_executor> workers)
    : impl_(std::make_unique<Impl>(gate, std::move(options), std::move(workers))) {}

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
