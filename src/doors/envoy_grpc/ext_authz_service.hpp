#pragma once
// envoy.service.auth.v3.Authorization/Check. A cookie session is decided at once, on the I/O thread that read
// the call; a call that must wait (Redis, a refresh at the IdP) continues as a coroutine on the same thread, whose
// Redis clients and event loop serve it, and answers from there.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "doors/envoy_grpc/check_translation.hpp"
#include "doors/envoy_grpc/grpc_call.hpp"
#include "gate/gate.hpp"
#include "http/proxy_trust.hpp"
#include "observe/metrics.hpp"

namespace gh::doors::envoy_grpc {

class ExtAuthzService {
public:
    ExtAuthzService(const gate::Gate& gate, Config config);

    void check(GrpcCall& call) const;

private:
    boost::asio::awaitable<void> check_later(GrpcCall& call, std::chrono::steady_clock::time_point started,
                                              bool from_trusted_proxy) const;
    // The request as the gate sees it; `host` is storage for its canonical host, `certificate` for what the proxy
    // says about the client's.
    gate::OriginalRequest original_of(const CheckView& view, const session::CookieJar& jar, bool from_trusted_proxy,
                                      std::string& host, authz::ClientCertificate& certificate) const;
    // The CheckResponse for `d`, counted and logged, appended to `response`.
    void answer(const CheckView& view, const gate::Decision& d, const session::Session& s, std::string& response) const;
    // The CheckResponse alone; returns the HTTP status it carries.
    int write_verdict(const CheckView& view, const gate::Decision& d, const session::Session& s,
                      std::string& response) const;

    const gate::Gate& gate_;
    const Config config_;
    http::ProxyTrust trust_;
    const observe::Endpoint endpoint_ = observe::door_endpoint("envoy_grpc");
};

}  // namespace gh::doors::envoy_grpc
