#include "observe/log_text.hpp"

#include <algorithm>
#include <array>

namespace gh::observe {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// A table, not four comparisons: every request line scans its host, URI and user agent with it.
constexpr auto kNeedsEscape = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[c] = true;
    t[0x7f] = t['"'] = t['\\'] = true;
    return t;
}();

bool needs_escape(unsigned char c) { return kNeedsEscape[c]; }

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF).
std::size_t utf8_sequence(std::string_view s) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;
        if (c == 0xED && b(1) > 0x9F) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;
        if (c == 0xF4 && b(1) > 0x8F) return 0;
        return 4;
    }
    return 0;
}

}  // namespace

void append_log_text(std::string& out, std::string_view s, std::size_t max) {
    const bool cut = s.size() > max;
    if (cut) s = s.substr(0, max);
    // Most values (hosts, paths, user agents) need no escape: appended in one piece.
    if (std::none_of(s.begin(), s.end(), [](char c) { return needs_escape(static_cast<unsigned char>(c)); })) {
        out += s;
        if (cut) out += "...";
        return;
    }
    for (unsigned char c : s) {
        if (needs_escape(c)) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (cut) out += "...";
}

std::string log_text(std::string_view s, std::size_t max) {
    std::string out;
    out.reserve(std::min(s.size(), max) + 8);
    append_log_text(out, s, max);
    return out;
}

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_sequence(s.substr(i));
            if (n == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out += s.substr(i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
}

}  // namespace gh::observe
