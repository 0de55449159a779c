#include "oidc/claims.hpp"

#include "oidc/claim_values.hpp"

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
    if (!claims.is_object()) return {std::nullopt, "claims are not a JSON object"};
    const auto refused = [](std::string why) { return IdentityResult{std::nullopt, std::move(why)}; };
    Identity id;
    const auto user = read_string(find_claim(claims, names.user), id.user);
    if (user == ClaimRead::wrong_type) return refused(wrong_type(names.user, "a string"));
    if (id.user.empty()) return refused("no '" + names.user + "' claim");
    if (read_string(top_claim(claims, "iss"), id.issuer) == ClaimRead::wrong_type) return refused(wrong_type("iss", "a string"));
    if (read_string(top_claim(claims, "sub"), id.subject) == ClaimRead::wrong_type) return refused(wrong_type("sub", "a string"));

    const auto email = read_string(find_claim(claims, names.email), id.email);
    if (email == ClaimRead::wrong_type) return refused(wrong_type(names.email, "a string"));
    bool verified = false;
    const auto said = read_boolean(find_claim(claims, names.email_verified), verified);
    if (said == ClaimRead::wrong_type) return refused(wrong_type(names.email_verified, "a boolean"));
    // An IdP that lets users type any address must not let them claim someone else's domain. Many IdPs send no
    // email_verified at all (oauth2-proxy takes its absence as verified, and so do we); an explicit false is
    // refused. Entra ID's xms_edov is the exception: its absence means the tenant did not verify the domain.
    if (said != ClaimRead::ok) verified = names.absent_means_verified;
    if (email == ClaimRead::ok && !verified && !names.email_always_verified && !names.allow_unverified_email)
        return refused("email '" + id.email + "' is not verified (" + names.email_verified +
                       (said == ClaimRead::ok ? " is false" : " is absent") +
                       "; --insecure-oidc-allow-unverified-email accepts it)");

    if (read_string(find_claim(claims, "preferred_username"), id.preferred_username) == ClaimRead::wrong_type)
        return refused(wrong_type("preferred_username", "a string"));
    if (read_string(top_claim(claims, "sid"), id.idp_session_id) == ClaimRead::wrong_type)
        return refused(wrong_type("sid", "a string"));
    if (read_strings(find_claim(claims, names.groups), id.groups) == ClaimRead::wrong_type)
        return refused(wrong_type(names.groups, "a string or an array of strings"));
    return {std::move(id), {}};
}

}  // namespace gh::oidc
