#pragma once
// Which peers may speak for the client: the proxies whose X-Forwarded-*, X-Original-URL and X-Real-IP
// headers Gatehouse believes. Decided once per connection, since the peer cannot change on it.
#include <string>
#include <vector>

#include "http/ip_range.hpp"
#include "http/request.hpp"

namespace gh::http {

class ProxyTrust {
public:
    // Trusts nobody: forwarded headers are ignored (no --reverse-proxy).
    ProxyTrust() = default;
    // `reverse_proxy`: --reverse-proxy. `proxies`: --trusted-ip; empty means any peer (oauth2-proxy's
    // behaviour with --reverse-proxy). `client_ip_header`: --real-client-ip-header, for logs.
    ProxyTrust(bool reverse_proxy, std::vector<IpRange> proxies, std::string client_ip_header);

    bool trusts(const boost::asio::ip::address& peer) const;
    Peer peer(const boost::asio::ip::address& address) const { return {address, trusts(address), this}; }

    // The client's address for logs: from --real-client-ip-header when the request came through a trusted
    // proxy (X-Forwarded-For read from the right, skipping --trusted-ip proxies, since everything left of
    // the last untrusted hop could have been written by the client), else the connection's peer.
    std::string client_ip(const Request& req) const;

private:
    bool enabled_ = false;
    std::vector<IpRange> proxies_;
    std::string client_ip_header_ = "X-Real-IP";
};

// The request's client address for logs ("-" when unknown), as its connection's ProxyTrust sees it.
std::string client_ip(const Request& req);

}  // namespace gh::http
