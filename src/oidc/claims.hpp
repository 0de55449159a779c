#pragma once
// Turns verified ID-token (or userinfo) claims into the identity a session holds.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gh::oidc {

struct ClaimNames {
    std::string email = "email";
    std::string groups = "groups";  // may be a dotted path: realm_access.roles
    std::string user = "sub";
    bool allow_unverified_email = false;
    // The claim saying the e-mail is verified: "email_verified" (OIDC Core), "xms_edov" for Entra ID's multi-tenant
    // endpoints (its ID tokens carry no email_verified).
    std::string email_verified = "email_verified";
    // An absent email-verified claim counts as verified (oauth2-proxy's rule for email_verified): true but for
    // xms_edov, which Entra ID leaves out exactly when the tenant has not verified the address's domain.
    bool absent_means_verified = true;
    // The IdP vouches for every address it puts in a token: an Entra ID tenant's own directory, whose addresses
    // the tenant's administrators set.
    bool email_always_verified = false;
};

struct Identity {
    std::string user;
    // The token's own `iss` and `sub`, whatever --user-id-claim names `user`: what OIDC Core §12.2 says a refresh
    // must not change. Empty for an identity that comes from a provider's API instead of an ID token (GitHub).
    std::string issuer;
    std::string subject;
    std::string email;
    std::string preferred_username;
    std::vector<std::string> groups;
    std::string idp_session_id;  // `sid` (OIDC Front/Back-Channel Logout), when the IdP sends one
};

struct IdentityResult {
    std::optional<Identity> identity;
    std::string error;
};

// The claim at a dotted path ("realm_access.roles"), or nullptr. A key that itself contains dots
// ("https://example.com/groups") is matched whole first.
const nlohmann::json* find_claim(const nlohmann::json& claims, const std::string& path);

// The identity the (verified) claims name. A claim it reads that holds the wrong JSON type is refused, naming the
// claim, never skipped: the user claim a non-empty string; email, preferred_username, sid, iss and sub strings;
// the email-verified claim a boolean ("true" as a string is refused; an absent one counts as `absent_means_verified`);
// groups a string or an array of strings.
IdentityResult extract_identity(const nlohmann::json& claims, const ClaimNames& names);

}  // namespace gh::oidc
