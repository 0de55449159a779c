#include "http/proxy_trust.hpp"

#include <boost/beast/core/string.hpp>

namespace gh::http {
namespace {

std::string_view trim(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

std::optional<boost::asio::ip::address> parse_address(std::string_view v) {
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(std::string(trim(v)), ec);
    if (ec) return std::nullopt;
    return unmapped(a);
}

}  // namespace

ProxyTrust::ProxyTrust(bool reverse_proxy, std::vector<IpRange> proxies, std::string client_ip_header)
    : enabled_(reverse_proxy), proxies_(std::move(proxies)), client_ip_header_(std::move(client_ip_header)) {}

bool ProxyTrust::trusts(const boost::asio::ip::address& peer) const {
    if (!enabled_) return false;
    if (proxies_.empty()) return true;
    for (const auto& r : proxies_)
        if (r.contains(peer)) return true;
    return false;
}

std::string ProxyTrust::client_ip(const Request& req) const {
    const std::string direct(req.peer().address_text());
    if (!req.via_trusted_proxy()) return direct;
    if (!boost::beast::iequals(client_ip_header_, "X-Forwarded-For")) {
        const auto a = parse_address(req.header(client_ip_header_));
        return a ? a->to_string() : direct;
    }
    // Every X-Forwarded-For line, joined, read right to left.
    std::vector<std::string_view> hops;
    req.for_each("X-Forwarded-For", [&](std::string_view line) {
        while (!line.empty()) {
            const auto comma = line.find(',');
            hops.push_back(line.substr(0, comma));
            line = comma == std::string_view::npos ? std::string_view{} : line.substr(comma + 1);
        }
    });
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        const auto a = parse_address(*it);
        if (!a) return direct;  // garbage in the chain: nothing left of it can be believed
        if (proxies_.empty() || !trusts(*a)) return a->to_string();
    }
    return direct;
}

std::string client_ip(const Request& req) {
    const Peer& p = req.peer();
    if (!p.trust) return p.address.is_unspecified() ? "-" : std::string(p.address_text());
    return p.trust->client_ip(req);
}

}  // namespace gh::http
