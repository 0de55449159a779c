#include "options/value_parsers.hpp"

#include <charconv>
#include <cmath>

#include "crypto/base64.hpp"

namespace gh::options {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view s) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v == 0 || v > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(v);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<bool> parse_bool(std::string_view s) {
    for (auto t : {"1", "t", "T", "TRUE", "true", "True"})
        if (s == t) return true;
    for (auto f : {"0", "f", "F", "FALSE", "false", "False"})
        if (s == f) return false;
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
    if (s == "0") return std::chrono::milliseconds{0};
    if (s.empty()) return std::nullopt;
    double total_ms = 0;
    while (!s.empty()) {
        std::size_t i = 0;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        if (i == 0) return std::nullopt;
        double number = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + i, number);
        if (ec != std::errc{} || end != s.data() + i) return std::nullopt;
        s.remove_prefix(i);
        std::size_t j = 0;
        while (j < s.size() && !std::isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
        const std::string_view unit = s.substr(0, j);
        s.remove_prefix(j);
        double scale = 0;
        if (unit == "h") scale = 3600e3;
        else if (unit == "m") scale = 60e3;
        else if (unit == "s") scale = 1e3;
        else if (unit == "ms") scale = 1;
        else if (unit == "us" || unit == "µs") scale = 1e-3;
        else if (unit == "ns") scale = 1e-6;
        else return std::nullopt;
        total_ms += number * scale;
    }
    if (total_ms > 1e15) return std::nullopt;
    return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(total_ms))};
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<ListenAddress> parse_listen_address(std::string_view s) {
    for (std::string_view scheme : {"http://", "https://"})
        if (s.starts_with(scheme)) s.remove_prefix(scheme.size());
    ListenAddress out;
    std::string_view port;
    if (s.starts_with('[')) {
        const auto close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return std::nullopt;
        out.host = std::string(s.substr(1, close - 1));
        port = s.substr(close + 2);
    } else {
        const auto colon = s.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        out.host = std::string(s.substr(0, colon));
        if (out.host.find(':') != std::string::npos) return std::nullopt;
        port = s.substr(colon + 1);
    }
    if (out.host.empty()) out.host = "0.0.0.0";
    const auto p = parse_port(port);
    if (!p) return std::nullopt;
    out.port = *p;
    return out;
}

std::optional<crypto::Bytes> parse_cookie_secret(std::string_view s) {
    auto valid_size = [](std::size_t n) { return n == 16 || n == 24 || n == 32; };
    // oauth2-proxy tries base64 first only when the raw length is not already valid.
    if (valid_size(s.size())) return crypto::Bytes(s.begin(), s.end());
    if (auto decoded = crypto::base64_decode_any(s); decoded && valid_size(decoded->size())) return decoded;
    return std::nullopt;
}

std::optional<Url> parse_http_url(std::string_view s) {
    Url url;
    const auto sep = s.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    url.scheme = std::string(s.substr(0, sep));
    if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
    s.remove_prefix(sep + 3);
    const auto slash = s.find_first_of("/?#");
    std::string_view authority = s.substr(0, slash);
    url.path = slash == std::string_view::npos ? "" : std::string(s.substr(slash));
    if (authority.find('@') != std::string_view::npos) return std::nullopt;
    std::string_view host = authority;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(0, close + 1);
        authority.remove_prefix(close + 1);
        if (!authority.empty()) {
            if (authority.front() != ':') return std::nullopt;
            auto p = parse_port(authority.substr(1));
            if (!p) return std::nullopt;
            url.port = *p;
        }
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        auto p = parse_port(authority.substr(colon + 1));
        if (!p) return std::nullopt;
        url.port = *p;
    }
    if (host.empty()) return std::nullopt;
    for (char c : host)
        if (static_cast<unsigned char>(c) <= ' ' || c == '\\') return std::nullopt;
    url.host = std::string(host);
    return url;
}

void append_list_items(std::string_view value, std::vector<std::string>& out) {
    while (true) {
        const auto comma = value.find(',');
        const auto item = trim(value.substr(0, comma));
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
}

}  // namespace gh::options
