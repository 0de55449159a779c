#pragma once
// Byte views used across the crypto wrappers: unsigned char spans keep OpenSSL casts in one place.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Compares in time that depends only on the lengths, so a timing side channel cannot
// reveal how many leading bytes of a secret an attacker guessed right.
bool constant_time_equal(ByteView a, ByteView b);
inline bool constant_time_equal(std::string_view a, std::string_view b) {
    return constant_time_equal(as_bytes(a), as_bytes(b));
}

}  // namespace gh::crypto
