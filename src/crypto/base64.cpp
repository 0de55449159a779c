// Hand-written rather than OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock: those only speak the standard
// alphabet with padding, skip whitespace and emit padding bytes, while cookie values need the URL
// alphabet, strict rejection of anything else, and decoding into a reused buffer on the hot path.
#include "crypto/base64.hpp"

#include <array>

namespace gh::crypto {
namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_table(bool url, bool std) {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 62; ++i) t[static_cast<unsigned char>(kUrlAlphabet[i])] = static_cast<std::int8_t>(i);
    if (url) {
        t['-'] = 62;
        t['_'] = 63;
    }
    if (std) {
        t['+'] = 62;
        t['/'] = 63;
    }
    return t;
}

constexpr auto kUrlTable = make_table(true, false);
constexpr auto kAnyTable = make_table(true, true);

bool decode_with(const std::array<std::int8_t, 256>& table, std::string_view text, Bytes& out) {
    out.clear();
    if (text.size() % 4 == 1) return false;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : text) {
        const int v = table[c];
        if (v < 0) return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(acc >> bits));
        }
    }
    // Leftover bits must be zero, otherwise two encodings would map to one value.
    return (acc & ((1u << bits) - 1)) == 0;
}

}  // namespace

void base64url_encode_append(ByteView data, std::string& out) {
    std::size_t i = 0;
    out.reserve(out.size() + (data.size() * 4 + 2) / 3);
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out.push_back(kUrlAlphabet[(v >> 18) & 63]);
        out.push_back(kUrlAlphabet[(v >> 12) & 63]);
        out.push_back(kUrlAlphabet[(v >> 6) & 63]);
        out.push_back(kUrlAlphabet[v & 63]);
    }
    const std::size_t rest = data.size() - i;
    if (rest == 1) {
        const std::uint32_t v = data[i] << 16;
        out.push_back(kUrlAlphabet[(v >> 18) & 63]);
        out.push_back(kUrlAlphabet[(v >> 12) & 63]);
    } else if (rest == 2) {
        const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8);
        out.push_back(kUrlAlphabet[(v >> 18) & 63]);
        out.push_back(kUrlAlphabet[(v >> 12) & 63]);
        out.push_back(kUrlAlphabet[(v >> 6) & 63]);
    }
}

std::string base64url_encode(ByteView data) {
    std::string out;
    base64url_encode_append(data, out);
    return out;
}

std::string base64_encode(ByteView data) {
    std::string out = base64url_encode(data);
    for (auto& c : out) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (out.size() % 4 != 0) out += '=';
    return out;
}

bool base64url_decode(std::string_view text, Bytes& out) { return decode_with(kUrlTable, text, out); }

std::optional<Bytes> base64_decode_any(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    Bytes out;
    if (!decode_with(kAnyTable, text, out)) return std::nullopt;
    return out;
}

}  // namespace gh::crypto
