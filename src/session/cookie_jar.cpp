#include "session/cookie_jar.hpp"

namespace gh::session {
std::string_view trim_cookie_space(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

void CookieJar::add_header(std::string_view header) {
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view pair = trim_cookie_space(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        std::string_view value = trim_cookie_space(pair.substr(eq + 1));
        // RFC 6265 allows a DQUOTE-wrapped value.
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        cookies_.push_back({trim_cookie_space(pair.substr(0, eq)), value});
    }
}

std::optional<std::string_view> CookieJar::get(std::string_view name) const {
    for (const auto& c : cookies_)
        if (c.name == name) return c.value;
    return std::nullopt;
}

}  // namespace gh::session
