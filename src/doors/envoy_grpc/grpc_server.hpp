#pragma once
// The gRPC listener (--grpc-address): ext_authz Check and the standard grpc.health.v1 service, h2c or TLS
// (--grpc-tls with --tls-cert-file/--tls-key-file). gRPC runs its own threads; no gRPC header leaks out of here.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "doors/config.hpp"
#include "doors/envoy_grpc/config.hpp"
#include "gate/gate.hpp"
#include "result/result.hpp"

namespace gh::doors::envoy_grpc {

class GrpcServer {
public:
    // Listens and starts serving, or says why it cannot, naming the flag.
    // `workers`: the HTTP server's I/O threads, where calls that wait for Redis or the IdP are finished.
    static Result<std::unique_ptr<GrpcServer>> start(const gate::Gate& gate, Config config, const ServerConfig& server,
                                                     std::vector<boost::asio::any_io_executor> workers);
    ~GrpcServer();

    int port() const;
    // Stops accepting calls and waits for those in flight, up to `deadline`.
    void shutdown(std::chrono::milliseconds deadline);

private:
    GrpcServer(const gate::Gate& gate, Config config, std::vector<boost::asio::any_io_executor> workers);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace gh::doors::envoy_grpc
