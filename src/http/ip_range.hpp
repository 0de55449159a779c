#pragma once
// An address range in CIDR notation (10.0.0.0/8, fd00::/8) or a single address, for --trusted-ip.
#include <array>
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string_view>

namespace gh::http {

class IpRange {
public:
    // "10.1.2.3", "10.0.0.0/8", "::1", "fd00::/8"; nullopt for anything else (host bits set are allowed and
    // ignored, as in most firewalls' notation).
    static std::optional<IpRange> parse(std::string_view text);

    // IPv4-mapped IPv6 addresses (::ffff:10.1.2.3, what a dual-stack listener reports) match IPv4 ranges.
    bool contains(const boost::asio::ip::address& a) const;

private:
    std::array<unsigned char, 16> bytes_{};
    unsigned prefix_bits_ = 0;
    bool v4_ = false;
};

// IPv4-mapped IPv6 addresses become IPv4; others are returned unchanged.
boost::asio::ip::address unmapped(const boost::asio::ip::address& a);

}  // namespace gh::http
