#include "oidc/userinfo_claims.hpp"

namespace gh::oidc {

bool needs_userinfo(const nlohmann::json& id_claims, const ClaimNames& names) {
    return find_claim(id_claims, names.email) == nullptr || find_claim(id_claims, names.user) == nullptr;
}

MergedClaims merge_userinfo_claims(const nlohmann::json& id_claims, const nlohmann::json& userinfo) {
    if (!userinfo.is_object()) return {{}, "userinfo answer is not a JSON object"};
    const auto sub = userinfo.find("sub");
    const auto id_sub = id_claims.find("sub");
    if (sub == userinfo.end() || id_sub == id_claims.end() || !sub->is_string() || *sub != *id_sub)
        return {{}, "userinfo is about another subject than the ID token"};
    MergedClaims merged{id_claims, {}};
    for (const auto& [name, value] : userinfo.items())
        if (!merged.claims.contains(name)) merged.claims[name] = value;
    return merged;
}

}  // namespace gh::oidc
