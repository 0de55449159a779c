#pragma once
// Claims the ID token leaves out, taken from the IdP's userinfo endpoint (OIDC Core §5.3), as oauth2-proxy's
// claim extractor does: many IdPs put the e-mail only there. The ID token's own claims always win.
#include <nlohmann/json.hpp>
#include <string>

#include "oidc/claims.hpp"

namespace gh::oidc {

// Whether the ID token lacks a claim the identity needs that userinfo may hold: the e-mail or the user claim.
bool needs_userinfo(const nlohmann::json& id_claims, const ClaimNames& names);

struct MergedClaims {
    nlohmann::json claims;  // the ID token's claims, plus those only userinfo holds
    std::string error;      // why userinfo's answer is not used (then `claims` is empty)
};

// `userinfo` must be a JSON object about the same subject as the ID token (its `sub`, OIDC Core §5.3.2: else a
// token substitution); its members the ID token lacks are added.
MergedClaims merge_userinfo_claims(const nlohmann::json& id_claims, const nlohmann::json& userinfo);

}  // namespace gh::oidc
