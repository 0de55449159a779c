#include "login/cookie_domain.hpp"

namespace gh::login {

std::string choose_cookie_domain(const std::vector<std::string>& domains, std::string_view host) {
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
        host = host.substr(0, colon);
    const std::string* best = nullptr;
    for (const auto& d : domains) {
        std::string_view bare = d;
        if (bare.starts_with('.')) bare.remove_prefix(1);
        const bool matches = host == bare || (host.size() > bare.size() && host.ends_with(bare) &&
                                              host[host.size() - bare.size() - 1] == '.');
        if (matches && (!best || d.size() > best->size())) best = &d;
    }
    if (best) return *best;
    return domains.empty() ? std::string{} : domains.front();
}

}  // namespace gh::login
