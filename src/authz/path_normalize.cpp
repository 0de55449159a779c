#include "authz/path_normalize.hpp"

#include <cctype>
#include <vector>

namespace gh::authz {
namespace {

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// A segment counts as "." or ".." by what comes before any ";params".
std::string_view dot_part(std::string_view segment) { return segment.substr(0, segment.find(';')); }

}  // namespace

std::optional<std::string> normalize_path(std::string_view path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    std::string decoded;
    decoded.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto c = static_cast<unsigned char>(path[i]);
        if (c < 0x20 || c == 0x7f || c == '\\') return std::nullopt;
        if (c != '%') {
            decoded += static_cast<char>(c);
            continue;
        }
        if (i + 2 >= path.size() || hex(path[i + 1]) < 0 || hex(path[i + 2]) < 0) return std::nullopt;
        const auto v = static_cast<unsigned char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
        if (v == '/' || v == '\\' || v < 0x20 || v == 0x7f) return std::nullopt;
        if (unreserved(v)) {
            decoded += static_cast<char>(v);
        } else {
            static constexpr char kHex[] = "0123456789ABCDEF";
            decoded += '%';
            decoded += kHex[v >> 4];
            decoded += kHex[v & 15];
        }
        i += 2;
    }

    std::vector<std::string_view> segments;
    std::string_view rest = std::string_view(decoded).substr(1);
    const bool trailing_slash = decoded.size() > 1 && decoded.back() == '/';
    while (true) {
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        const std::string_view dots = dot_part(segment);
        if (dots == "..") {
            if (!segments.empty()) segments.pop_back();
        } else if (!segment.empty() && dots != ".") {
            segments.push_back(segment);
        }
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    std::string out;
    out.reserve(decoded.size());
    for (const auto& s : segments) {
        out += '/';
        out += s;
    }
    if (out.empty() || trailing_slash) out += '/';
    return out;
}

}  // namespace gh::authz
