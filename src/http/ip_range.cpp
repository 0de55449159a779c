#include "http/ip_range.hpp"

#include <charconv>
#include <string>

namespace gh::http {

namespace ip = boost::asio::ip;

ip::address unmapped(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    return a;
}

std::optional<IpRange> IpRange::parse(std::string_view text) {
    const auto slash = text.find('/');
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) return std::nullopt;
    IpRange r;
    r.v4_ = address.is_v4();
    const unsigned max_bits = r.v4_ ? 32 : 128;
    r.prefix_bits_ = max_bits;
    if (slash != std::string_view::npos) {
        const auto bits = text.substr(slash + 1);
        unsigned n = 0;
        const auto [end, err] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
        if (err != std::errc{} || end != bits.data() + bits.size() || bits.empty() || n > max_bits) return std::nullopt;
        r.prefix_bits_ = n;
    }
    if (r.v4_) {
        const auto b = address.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), r.bytes_.begin());
    } else {
        r.bytes_ = address.to_v6().to_bytes();
    }
    return r;
}

bool IpRange::contains(const ip::address& raw) const {
    const ip::address a = unmapped(raw);
    if (a.is_v4() != v4_) return false;
    std::array<unsigned char, 16> bytes{};
    if (v4_) {
        const auto b = a.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), bytes.begin());
    } else {
        bytes = a.to_v6().to_bytes();
    }
    unsigned bits = prefix_bits_;
    for (std::size_t i = 0; bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - take));
        if ((bytes[i] & mask) != (bytes_[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

}  // namespace gh::http
