#include "authz/distinguished_name.hpp"

#include <cctype>

namespace gh::authz {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_space(char c) {
    return c == ' ';
}

}  // namespace

std::optional<DistinguishedName> DistinguishedName::parse(std::string_view text) {
    DistinguishedName dn;
    std::size_t i = 0;
    const std::size_t n = text.size();
    if (n == 0 || text.front() == '/') return std::nullopt;  // "/C=US/CN=x": OpenSSL's old one-line form
    while (i < n) {
        Attribute a;
        while (i < n && is_space(text[i])) ++i;
        // The type: a keyword or a dotted OID, then '=' (spaces may come between).
        while (i < n && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '-' || text[i] == '.'))
            a.type += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
        while (i < n && is_space(text[i])) ++i;
        if (i < n && text[i] != '=') return std::nullopt;
        if (i == n || a.type.empty()) return std::nullopt;
        ++i;  // '='
        while (i < n && is_space(text[i])) ++i;
        // The value, up to an unescaped ',' or '+' (a multi-valued RDN is read as consecutive attributes).
        std::size_t kept = 0;  // length of the value without unescaped trailing spaces
        while (i < n && text[i] != ',' && text[i] != '+') {
            char c = text[i++];
            if (c == '\\') {
                if (i == n) return std::nullopt;
                const int hi = hex_digit(text[i]);
                const int lo = i + 1 < n ? hex_digit(text[i + 1]) : -1;
                if (hi >= 0 && lo >= 0) {
                    c = static_cast<char>(hi * 16 + lo);
                    i += 2;
                } else {
                    c = text[i++];
                }
                a.value += c;
                kept = a.value.size();
                continue;
            }
            a.value += c;
            if (!is_space(c)) kept = a.value.size();
        }
        a.value.resize(kept);
        dn.attributes_.push_back(std::move(a));
        if (i < n) {
            ++i;                              // the separator
            if (i == n) return std::nullopt;  // "CN=x," ends in the middle of a name
        }
    }
    return dn;
}

std::string_view DistinguishedName::common_name() const {
    for (const auto& a : attributes_)
        if (a.type == "cn" || a.type == "2.5.4.3") return a.value;
    return {};
}

}  // namespace gh::authz
