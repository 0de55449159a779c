#pragma once
// envoy.service.auth.v3.Authorization/Check on gRPC's callback API. A cookie session is decided on the gRPC
// thread that received the call; a call that must wait (Redis, a refresh at the IdP) moves to one of the HTTP
// server's I/O threads, whose Redis clients and event loops serve it, and finishes from there.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <vector>

#include "doors/envoy_grpc/check_translation.hpp"
#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "gate/gate.hpp"
#include "observe/metrics.hpp"
#include "http/proxy_trust.hpp"

namespace gh::doors::envoy_grpc {

class ExtAuthzService final : public envoy::service::auth::v3::Authorization::CallbackService {
public:
    ExtAuthzService(const gate::Gate& gate, Config config,
                    std::vector<boost::asio::any_io_executor> workers);

    grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context, const CheckRequest* request,
                                    CheckResponse* response) override;

private:
    // `from_trusted_proxy`: the caller (Envoy) is a --trusted-proxy-ip, so its certificate headers count.
    boost::asio::awaitable<void> check_with_store(const CheckRequest* request, CheckResponse* response,
                                                   std::chrono::steady_clock::time_point started,
                                                   bool from_trusted_proxy) const;
    // The request as the gate sees it; `host` is storage for its canonical host, `certificate` for what the proxy
    // says about the client's.
    gate::OriginalRequest original_of(const CheckView& view, const session::CookieJar& jar, bool from_trusted_proxy,
                                      std::string& host, authz::ClientCertificate& certificate) const;
    // Whether gRPC's peer string ("ipv4:10.0.0.5:41234", "ipv6:[::1]:5000") is a --trusted-proxy-ip.
    bool trusts_peer(const std::string& peer) const;
    // The CheckResponse for `d`, counted and logged.
    void answer(const CheckView& view, const gate::Decision& d, const session::Session& s, CheckResponse& response) const;
    // The CheckResponse alone; returns the HTTP status it carries.
    int write_verdict(const CheckView& view, const gate::Decision& d, const session::Session& s,
                      CheckResponse& response) const;

    const gate::Gate& gate_;
    const Config config_;
    http::ProxyTrust trust_;
    const observe::Endpoint endpoint_ = observe::door_endpoint("envoy_grpc");
    std::vector<boost::asio::any_io_executor> workers_;
    mutable std::atomic<std::size_t> next_worker_{0};
};

}  // namespace gh::doors::envoy_grpc
