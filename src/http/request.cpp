#include "http/request.hpp"

namespace gh::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string form_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() + 0 && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

Request::Request(const Message& m, bool secure)
    : m_(m), method_(m.method_string()), target_(m.target()), secure_(secure) {
    const auto q = target_.find('?');
    path_ = target_.substr(0, q);
    if (q != std::string_view::npos) query_ = target_.substr(q + 1);
}

std::string_view Request::header(std::string_view name) const {
    const auto it = m_.find(name);
    if (it == m_.end()) return {};
    return it->value();
}

std::optional<std::string> query_param(std::string_view query, std::string_view key) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (form_decode(pair.substr(0, eq)) == key)
            return eq == std::string_view::npos ? std::string{} : form_decode(pair.substr(eq + 1));
    }
    return std::nullopt;
}

}  // namespace gh::http
