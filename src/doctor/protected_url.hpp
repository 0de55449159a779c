#pragma once
// A URL the operator protects with Gatehouse (`gatehouse doctor --protected-url`).
#include <optional>
#include <string>
#include <string_view>

namespace gh::doctor {

struct ProtectedUrl {
    std::string text;    // as given
    std::string scheme;  // "http" or "https"
    std::string host;    // lower case, without port
    std::string port;    // empty: the scheme's default
};

// nullopt unless an absolute http(s) URL with a host.
std::optional<ProtectedUrl> parse_protected_url(std::string_view text);

// Whether `host` is `domain` or below it (`domain` with or without its leading dot), as browsers match
// a cookie's Domain attribute.
bool domain_matches(std::string_view host, std::string_view domain);

// The parent domain two hosts share, with a leading dot (".example.com"), or empty when they share less
// than two labels: a suggestion for --cookie-domain and --whitelist-domain.
std::string common_parent(std::string_view a, std::string_view b);

// Whether two hosts are the same site for SameSite cookies, approximated as the same last two labels
// (without the Public Suffix List, "a.co.uk" and "b.co.uk" would wrongly count as one site).
bool same_site(std::string_view a, std::string_view b);

}  // namespace gh::doctor
