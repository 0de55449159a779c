#include "doors/envoy_grpc/grpc_protocol.hpp"

#include <algorithm>
#include <array>

#include "text/ascii.hpp"

namespace gh::doors::envoy_grpc {

std::string_view status_text(RpcStatus status) {
    static constexpr std::array<std::string_view, 17> kText = {"0", "1", "2",  "3",  "4",  "5",  "6",  "7", "8",
                                                               "9", "10", "11", "12", "13", "14", "15", "16"};
    const auto i = static_cast<std::size_t>(status);
    return i < kText.size() ? kText[i] : "2";  // UNKNOWN
}

std::optional<std::chrono::nanoseconds> parse_timeout(std::string_view value) {
    if (value.size() < 2 || value.size() > 9) return std::nullopt;
    std::int64_t n = 0;
    for (const char c : value.substr(0, value.size() - 1)) {
        if (!text::is_digit(c)) return std::nullopt;
        n = n * 10 + (c - '0');
    }
    using namespace std::chrono;
    // Compared in the value's own unit, before any conversion can overflow: 99999999H in nanoseconds would wrap to
    // a negative timeout ("deadline already passed"), and a deadline near the clock's end would wrap at now() + it.
    const auto at_most_longest = [](auto d) {
        return d > kLongestTimeout ? nanoseconds(kLongestTimeout) : duration_cast<nanoseconds>(d);
    };
    switch (value.back()) {
        case 'H': return at_most_longest(hours(n));
        case 'M': return at_most_longest(minutes(n));
        case 'S': return at_most_longest(seconds(n));
        case 'm': return duration_cast<nanoseconds>(milliseconds(n));
        case 'u': return duration_cast<nanoseconds>(microseconds(n));
        case 'n': return nanoseconds(n);
        default: return std::nullopt;
    }
}

bool is_grpc_content_type(std::string_view value) {
    constexpr std::string_view kGrpc = "application/grpc";
    if (value == kGrpc) return true;  // what Envoy and gRPC clients send: one comparison, not one per character
    if (value.size() < kGrpc.size() || !text::iequals(value.substr(0, kGrpc.size()), kGrpc)) return false;
    const std::string_view rest = value.substr(kGrpc.size());
    // Only protobuf is spoken: application/grpc+json would be read as protobuf and misjudged.
    return rest.empty() || rest.front() == ';' || text::iequals(rest, "+proto") ||
           (rest.size() > 6 && text::iequals(rest.substr(0, 6), "+proto") && rest[6] == ';');
}

void percent_encode_message(std::string_view message, std::string& out) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto plain = [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b >= 0x20 && b <= 0x7e && b != '%';
    };
    // Messages are ours, and plain ASCII but for a quoted name now and then: appended in one piece when they are
    // (byte by byte, they were a third of a refused stream's cost).
    if (std::all_of(message.begin(), message.end(), plain)) {
        out.append(message);
        return;
    }
    for (const char c : message) {
        const auto b = static_cast<unsigned char>(c);
        if (plain(c)) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[b >> 4]);
            out.push_back(kHex[b & 0xf]);
        }
    }
}

std::optional<std::uint32_t> declared_length(std::string_view body) {
    if (body.size() < 5) return std::nullopt;
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(body[i])); };
    return (byte(1) << 24) | (byte(2) << 16) | (byte(3) << 8) | byte(4);
}

Framing one_message(std::string_view body, std::string_view& message) {
    const auto length = declared_length(body);
    if (!length) return Framing::empty;
    if (body[0] != 0) return Framing::compressed;
    if (*length != body.size() - 5) return Framing::length_mismatch;
    message = body.substr(5);
    return Framing::ok;
}

std::array<char, 5> message_prefix(std::uint32_t length) {
    return {'\0', static_cast<char>(length >> 24), static_cast<char>((length >> 16) & 0xff),
            static_cast<char>((length >> 8) & 0xff), static_cast<char>(length & 0xff)};
}

}  // namespace gh::doors::envoy_grpc
