#include "login/cookie_domain.hpp"

namespace gh::login {

std::string choose_cookie_domain(const std::vector<std::string>& domains, std::string_view host) {
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
        host = host.substr(0, colon);
    const std::string* best = nullptr;
    const std::string* first_valid = nullptr;
    for (const auto& d : domains) {
        // A value with a port (oauth2-proxy's keycloak example: "oauth2-proxy.localtest.me:4080") is no cookie
        // domain: browsers refuse such a Domain attribute, and oauth2-proxy's Go library drops it, so the cookie
        // stays the host's own. It is never chosen.
        if (d.find(':') != std::string::npos) continue;
        if (!first_valid) first_valid = &d;
        std::string_view bare = d;
        if (bare.starts_with('.')) bare.remove_prefix(1);
        const bool matches = host == bare || (host.size() > bare.size() && host.ends_with(bare) &&
                                              host[host.size() - bare.size() - 1] == '.');
        if (matches && (!best || d.size() > best->size())) best = &d;
    }
    if (best) return *best;
    return first_valid ? *first_valid : std::string{};
}

}  // namespace gh::login
