#include "oidc/claims.hpp"

namespace gh::oidc {

const nlohmann::json* find_claim(const nlohmann::json& claims, const std::string& path) {
    if (!claims.is_object()) return nullptr;
    if (auto it = claims.find(path); it != claims.end()) return &*it;
    const auto dot = path.find('.');
    if (dot == std::string::npos) return nullptr;
    auto it = claims.find(path.substr(0, dot));
    if (it == claims.end()) return nullptr;
    return find_claim(*it, path.substr(dot + 1));
}

IdentityResult extract_identity(const nlohmann::json& claims, const ClaimNames& names) {
    Identity id;
    const auto* user = find_claim(claims, names.user);
    if (!user || !user->is_string() || user->get<std::string>().empty())
        return {std::nullopt, "no '" + names.user + "' claim"};
    id.user = user->get<std::string>();

    if (const auto* email = find_claim(claims, names.email); email && email->is_string()) {
        id.email = email->get<std::string>();
        // An IdP that lets users type any address must not let them claim someone else's domain.
        const auto* verified = find_claim(claims, names.email_verified);
        const bool is_verified = names.email_always_verified ||
                                 (verified && ((verified->is_boolean() && verified->get<bool>()) ||
                                               (verified->is_string() && verified->get<std::string>() == "true")));
        if (!is_verified && !names.allow_unverified_email)
            return {std::nullopt, "email '" + id.email + "' is not verified (" + names.email_verified + ")"};
    }
    if (const auto* p = find_claim(claims, "preferred_username"); p && p->is_string())
        id.preferred_username = p->get<std::string>();
    if (const auto it = claims.find("sid"); it != claims.end() && it->is_string()) id.idp_session_id = it->get<std::string>();
    if (const auto* groups = find_claim(claims, names.groups)) {
        if (groups->is_string()) id.groups.push_back(groups->get<std::string>());
        else if (groups->is_array())
            for (const auto& g : *groups)
                if (g.is_string()) id.groups.push_back(g.get<std::string>());
    }
    return {std::move(id), {}};
}

}  // namespace gh::oidc
