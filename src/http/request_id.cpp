#include "http/request_id.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <span>

#include "crypto/random.hpp"

namespace gh::http {
namespace {

// A fresh id must be unique, not secret (it is printed on pages and in logs): a random per-thread prefix and
// a counter. It is made for every request that arrives without an X-Request-Id and is always logged, so it
// costs no system call and no allocation: 12 bytes, base64url-encoded by hand into 16 characters.
void fresh_id(std::array<char, 64>& out, std::size_t& size) {
    struct Source {
        std::array<std::uint8_t, 12> bytes{};
        std::uint64_t counter = 0;
        bool seeded = false;
    };
    thread_local Source src;
    if (!src.seeded) {
        crypto::fill_random(std::span(src.bytes.data(), 6));
        src.seeded = true;
    }
    const std::uint64_t n = ++src.counter;
    for (int i = 0; i < 6; ++i) src.bytes[6 + i] = static_cast<std::uint8_t>(n >> (8 * (5 - i)));
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size = 0;
    for (std::size_t i = 0; i < src.bytes.size(); i += 3) {
        const std::uint32_t v = (src.bytes[i] << 16) | (src.bytes[i + 1] << 8) | src.bytes[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6) out[size++] = kAlphabet[(v >> shift) & 63];
    }
}

}  // namespace

std::string_view request_id(const Request& req) {
    if (req.id_size_ == 0) {
        const std::string_view given = req.header("X-Request-Id");
        // Only short, plain ids are echoed into pages and logs; anything else is replaced.
        const bool sane = !given.empty() && given.size() <= req.id_.size() &&
                          std::all_of(given.begin(), given.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                          });
        if (sane) {
            std::copy(given.begin(), given.end(), req.id_.begin());
            req.id_size_ = given.size();
        } else {
            fresh_id(req.id_, req.id_size_);
        }
    }
    return {req.id_.data(), req.id_size_};
}

}  // namespace gh::http
