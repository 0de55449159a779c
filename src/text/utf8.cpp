#include "text/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace gh::text {
namespace {

// Decodes from a non-ASCII lead byte at `i`; false when the sequence is not well-formed.
bool valid_sequence(std::string_view s, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t lead = byte(i);
    std::size_t length = 0;
    std::uint8_t low = 0x80, high = 0xbf;  // the allowed range of the second byte
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead == 0xe0) length = 3, low = 0xa0;            // no overlong 3-byte form
    else if (lead >= 0xe1 && lead <= 0xec) length = 3;
    else if (lead == 0xed) length = 3, high = 0x9f;           // no surrogates
    else if (lead >= 0xee && lead <= 0xef) length = 3;
    else if (lead == 0xf0) length = 4, low = 0x90;            // no overlong 4-byte form
    else if (lead >= 0xf1 && lead <= 0xf3) length = 4;
    else if (lead == 0xf4) length = 4, high = 0x8f;           // nothing past U+10FFFF
    else return false;
    if (i + length > s.size()) return false;
    if (byte(i + 1) < low || byte(i + 1) > high) return false;
    for (std::size_t k = 2; k < length; ++k)
        if ((byte(i + k) & 0xc0) != 0x80) return false;
    i += length;
    return true;
}

}  // namespace

bool valid_utf8(std::string_view s) {
    // Most values are ASCII: eight bytes at a time tell (the gRPC door checks every string of every Check).
    std::uint64_t any_high = 0;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, s.data() + i, 8);
        any_high |= word;
    }
    for (; i < s.size(); ++i) any_high |= static_cast<std::uint8_t>(s[i]);
    if ((any_high & 0x8080808080808080ull) == 0) return true;
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<std::uint8_t>(s[i]) < 0x80) ++i;
        else if (!valid_sequence(s, i)) return false;
    }
    return true;
}

}  // namespace gh::text
