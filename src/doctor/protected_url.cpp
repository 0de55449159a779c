#include "doctor/protected_url.hpp"

#include <algorithm>
#include <vector>

#include "text/ascii.hpp"

namespace gh::doctor {
namespace {

std::vector<std::string_view> labels(std::string_view host) {
    std::vector<std::string_view> out;
    while (!host.empty()) {
        const auto dot = host.rfind('.');
        out.push_back(dot == std::string_view::npos ? host : host.substr(dot + 1));
        host = dot == std::string_view::npos ? std::string_view{} : host.substr(0, dot);
    }
    return out;  // last label first
}

}  // namespace

std::optional<ProtectedUrl> parse_protected_url(std::string_view text) {
    ProtectedUrl u{.text = std::string(text)};
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    u.scheme = text::lower(text.substr(0, sep));
    if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
    std::string_view authority = text.substr(sep + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) return std::nullopt;
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos && authority.front() != '[') {
        u.port = std::string(authority.substr(colon + 1));
        authority = authority.substr(0, colon);
    }
    if (authority.empty()) return std::nullopt;
    u.host = text::lower(authority);
    if ((u.scheme == "https" && u.port == "443") || (u.scheme == "http" && u.port == "80")) u.port.clear();
    return u;
}

bool domain_matches(std::string_view host, std::string_view domain) {
    if (domain.starts_with('.')) domain.remove_prefix(1);
    if (domain.empty()) return false;
    const std::string h = text::lower(host), d = text::lower(domain);
    return h == d || (h.size() > d.size() && h.ends_with(d) && h[h.size() - d.size() - 1] == '.');
}

std::string common_parent(std::string_view a, std::string_view b) {
    const auto la = labels(a), lb = labels(b);
    std::size_t shared = 0;
    while (shared < la.size() && shared < lb.size() && la[shared] == lb[shared]) ++shared;
    if (shared < 2) return {};
    std::string out;
    for (std::size_t i = shared; i-- > 0;) out += "." + std::string(la[i]);
    return out;
}

bool same_site(std::string_view a, std::string_view b) {
    const auto la = labels(a), lb = labels(b);
    if (la.size() < 2 || lb.size() < 2) return text::lower(a) == text::lower(b);
    return la[0] == lb[0] && la[1] == lb[1];
}

}  // namespace gh::doctor
