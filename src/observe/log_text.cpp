#include "observe/log_text.hpp"

namespace gh::observe {

std::string log_text(std::string_view s, std::size_t max) {
    std::string out;
    const bool cut = s.size() > max;
    if (cut) s = s.substr(0, max);
    out.reserve(s.size() + 8);
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (cut) out += "...";
    return out;
}

}  // namespace gh::observe
