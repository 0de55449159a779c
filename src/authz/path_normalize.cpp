#include "authz/path_normalize.hpp"

#include <cctype>

#include "text/ascii.hpp"

namespace gh::authz {
namespace {

bool unreserved(char c) { return text::is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// Escapes no two servers decode alike inside a path: a slash or backslash (a segment boundary to some, not to
// others), '?' and '#' (the end of the path to an app that decodes before it splits), and control bytes.
bool ambiguous_when_decoded(unsigned char v) { return v == '/' || v == '\\' || v == '?' || v == '#' || v < 0x20 || v == 0x7f; }

}  // namespace

bool normalize_path_into(std::string_view path, std::string& out, PathReading reading) {
    out.clear();
    if (path.empty() || path.front() != '/') return false;
    const bool servlet = reading == PathReading::servlet;
    // One pass: decode into a segment, then keep it or (servlet reading) drop an empty one. Appending in place to
    // the output keeps this free of temporary containers.
    std::size_t i = 1;
    const bool trailing_slash = path.size() > 1 && path.back() == '/';
    while (i <= path.size()) {
        const std::size_t segment_start = out.size();
        out += '/';
        // After ';' (raw or %3B) come the segment's parameters, which Tomcat, Jetty and Spring drop before routing
        // ("/admin;x" is "/admin" there) and other servers keep as part of the name. Checked like the rest either way.
        std::size_t name_end = std::string::npos;
        for (; i < path.size() && path[i] != '/'; ++i) {
            const auto c = static_cast<unsigned char>(path[i]);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == '#') return false;
            unsigned char v = c;
            if (c == '%') {
                if (i + 2 >= path.size() || text::hex_value(path[i + 1]) < 0 || text::hex_value(path[i + 2]) < 0) return false;
                v = static_cast<unsigned char>(text::hex_value(path[i + 1]) * 16 + text::hex_value(path[i + 2]));
                if (ambiguous_when_decoded(v)) return false;
                i += 2;
            }
            if (v == ';' && name_end == std::string::npos) name_end = out.size();
            if (servlet && name_end != std::string::npos) continue;
            if (c != '%' || unreserved(v)) {
                out += static_cast<char>(v);
            } else {
                static constexpr char kHex[] = "0123456789ABCDEF";
                out += '%';
                out += kHex[v >> 4];
                out += kHex[v & 15];
            }
        }
        ++i;  // past the '/'
        const std::size_t name_size = (name_end == std::string::npos ? out.size() : name_end) - segment_start - 1;
        const std::string_view name = std::string_view(out).substr(segment_start + 1, name_size);
        // Browsers resolve dot segments before they send a URL, and apps differ in whether they resolve them at all
        // (a Flask route "/admin/<path>" serves "/admin/../public/x"): a path with one is never read one way only.
        if (name == "." || name == "..") return false;
        if (servlet && name.empty()) out.resize(segment_start);
    }
    if (out.empty() || (servlet && trailing_slash)) out += '/';
    return true;
}

std::optional<std::string> normalize_path(std::string_view path) {
    std::string out;
    if (!normalize_path_into(path, out, PathReading::servlet)) return std::nullopt;
    return out;
}

}  // namespace gh::authz
