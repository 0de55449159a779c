// providers: exactly one, its settings mapped onto the provider flags. A setting Gatehouse does not have is
// refused by its path, never dropped: a dropped restriction (a GitHub repository, an Entra tenant list) would let
// in users the file keeps out.
#include "options/alpha_yaml.hpp"

namespace gh::options::alpha {
namespace {

enum class Kind { text, boolean, list };

// A key that is one flag's value as it stands.
struct Direct {
    const char* key;
    std::string_view flag;
    Kind kind = Kind::text;
};

void read_direct(Reader& r, const YAML::Node& parent, const std::string& path, std::initializer_list<Direct> keys) {
    for (const auto& d : keys) {
        const YAML::Node node = field(parent, d.key);
        if (!node) continue;
        const std::string at = child(path, d.key);
        if (d.kind == Kind::boolean) {
            if (auto v = r.boolean(node, at)) r.set(d.flag, *v ? "true" : "false", at);
        } else if (d.kind == Kind::list) {
            if (auto v = r.texts(node, at); v && !v->empty()) r.set(d.flag, *v, at);
        } else if (auto v = r.text(node, at); v && !v->empty()) {
            r.set(d.flag, *v, at);
        }
    }
}

void read_oidc(Reader& r, const YAML::Node& node, const std::string& path) {
    if (!r.mapping(node, path, {"issuerURL", "insecureAllowUnverifiedEmail", "insecureSkipIssuerVerification",
                                "insecureSkipNonce", "skipDiscovery", "jwksURL", "publicKeyFiles", "emailClaim",
                                "groupsClaim", "userIDClaim", "audienceClaims", "extraAudiences", "enabledSigningAlgs"}))
        return;
    read_direct(r, node, path, {{"issuerURL", "oidc-issuer-url"},
                                {"insecureAllowUnverifiedEmail", "insecure-oidc-allow-unverified-email", Kind::boolean},
                                {"insecureSkipIssuerVerification", "insecure-oidc-skip-issuer-verification", Kind::boolean},
                                {"skipDiscovery", "skip-oidc-discovery", Kind::boolean},
                                {"jwksURL", "oidc-jwks-url"},
                                {"emailClaim", "oidc-email-claim"},
                                {"groupsClaim", "oidc-groups-claim"},
                                {"audienceClaims", "oidc-audience-claim", Kind::list},
                                {"extraAudiences", "oidc-extra-audience", Kind::list}});
    // insecureSkipNonce (oauth2-proxy's default: true): Gatehouse sends a nonce and always checks it, which an IdP
    // that echoes the nonce (every OpenID Connect one) passes either way.
    if (field(node, "insecureSkipNonce")) r.boolean(field(node, "insecureSkipNonce"), child(path, "insecureSkipNonce"));
    r.refuse_if_set(node, "publicKeyFiles", path, "give the keys as a JWKS: jwksURL with skipDiscovery");
    r.refuse_if_set(node, "enabledSigningAlgs", path, "Gatehouse accepts RS256/384/512, PS256/384/512 and ES256/384/512");
    if (field(node, "userIDClaim"))
        if (auto v = r.text(field(node, "userIDClaim"), child(path, "userIDClaim")); v && !v->empty() && *v != "email")
            r.fail(child(path, "userIDClaim"), "not supported by Gatehouse (the user is the ID token's sub, the e-mail "
                                               "comes from emailClaim)");
}

// loginURLParameters: only prompt's default, which is --prompt.
void read_login_parameters(Reader& r, const YAML::Node& node, const std::string& path) {
    if (!r.sequence(node, path)) return;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string at = item(path, i);
        if (!r.mapping(node[i], at, {"name", "default", "allow"})) continue;
        const auto name = field(node[i], "name") ? r.text(field(node[i], "name"), child(at, "name")) : std::nullopt;
        if (!name || *name != "prompt" || field(node[i], "allow")) {
            r.fail(at, "not supported by Gatehouse (only prompt with a default, which is --prompt)");
            continue;
        }
        if (field(node[i], "default")) {
            if (auto values = r.texts(field(node[i], "default"), child(at, "default")); values && values->size() == 1)
                r.set("prompt", values->front(), child(at, "default"));
            else
                r.fail(child(at, "default"), "must be a list of one value");
        }
    }
}

void read_provider(Reader& r, const YAML::Node& p, const std::string& path) {
    if (!r.mapping(p, path, {"clientID", "clientSecret", "clientSecretFile", "keycloakConfig", "azureConfig",
                             "microsoftEntraIDConfig", "ADFSConfig", "bitbucketConfig", "githubConfig", "gitlabConfig",
                             "googleConfig", "oidcConfig", "loginGovConfig", "id", "provider", "name", "caFiles",
                             "useSystemTrustStore", "loginURL", "loginURLParameters", "authRequestResponseMode",
                             "redeemURL", "profileURL", "skipClaimsFromProfileURL", "resource", "validateURL", "scope",
                             "allowedGroups", "code_challenge_method", "additionalClaims", "backendLogoutURL"}))
        return;
    const auto id = field(p, "id") ? r.text(field(p, "id"), child(path, "id")) : std::nullopt;
    if (!id || id->empty()) r.fail(child(path, "id"), "missing: oauth2-proxy requires an id for every provider");
    // oauth2-proxy's alpha default provider type is google.
    std::string type = "google";
    if (field(p, "provider"))
        if (auto v = r.text(field(p, "provider"), child(path, "provider")); v && !v->empty()) type = *v;
    r.set("provider", type, field(p, "provider") ? child(path, "provider") : child(path, "provider") + " (default google)");
    read_direct(r, p, path, {{"clientID", "client-id"},
                             {"clientSecret", "client-secret"},
                             {"clientSecretFile", "client-secret-file"},
                             {"name", "provider-display-name"},
                             {"caFiles", "provider-ca-file", Kind::list},
                             {"loginURL", "login-url"},
                             {"redeemURL", "redeem-url"},
                             {"validateURL", "validate-url"},
                             {"scope", "scope"},
                             {"backendLogoutURL", "backend-logout-url"},
                             {"code_challenge_method", "code-challenge-method"},
                             {"allowedGroups", "allowed-group", Kind::list}});
    // useSystemTrustStore: Gatehouse trusts the system's CAs and caFiles together, whichever value is given.
    if (field(p, "useSystemTrustStore")) r.boolean(field(p, "useSystemTrustStore"), child(path, "useSystemTrustStore"));
    if (field(p, "loginURLParameters")) read_login_parameters(r, field(p, "loginURLParameters"), child(path, "loginURLParameters"));
    r.refuse_if_set(p, "authRequestResponseMode", path, "the code comes back as a query parameter");
    r.refuse_if_set(p, "profileURL", path, "the identity comes from the ID token");
    r.refuse_if_set(p, "skipClaimsFromProfileURL", path, "the identity comes from the ID token");
    r.refuse_if_set(p, "resource", path, "no resource parameter is sent");
    r.refuse_if_set(p, "additionalClaims", path, "sessions keep user, email, groups and preferred_username");
    if (field(p, "oidcConfig")) read_oidc(r, field(p, "oidcConfig"), child(path, "oidcConfig"));

    if (const YAML::Node k = field(p, "keycloakConfig"); k && r.mapping(k, child(path, "keycloakConfig"), {"groups", "roles"})) {
        read_direct(r, k, child(path, "keycloakConfig"), {{"groups", "allowed-group", Kind::list}});
        read_direct(r, k, child(path, "keycloakConfig"), {{"roles", "allowed-role", Kind::list}});
    }
    if (const YAML::Node a = field(p, "azureConfig"); a && r.mapping(a, child(path, "azureConfig"), {"tenant", "graphGroupField"})) {
        read_direct(r, a, child(path, "azureConfig"), {{"tenant", "azure-tenant"}});
        r.refuse_if_set(a, "graphGroupField", child(path, "azureConfig"), "groups are read as the token's object IDs");
    }
    if (const YAML::Node g = field(p, "githubConfig");
        g && r.mapping(g, child(path, "githubConfig"), {"org", "team", "repo", "token", "users"})) {
        const std::string at = child(path, "githubConfig");
        read_direct(r, g, at, {{"org", "github-org"}});
        read_direct(r, g, at, {{"team", "github-team"}});  // comma-separated, as the flag
        read_direct(r, g, at, {{"users", "github-user", Kind::list}});
        r.refuse_if_set(g, "repo", at, "restrict by org and team");
        r.refuse_if_set(g, "token", at, "restrict by org and team");
    }
    if (const YAML::Node g = field(p, "gitlabConfig"); g && r.mapping(g, child(path, "gitlabConfig"), {"group", "projects"})) {
        read_direct(r, g, child(path, "gitlabConfig"), {{"group", "gitlab-group", Kind::list}});
        r.refuse_if_set(g, "projects", child(path, "gitlabConfig"), "restrict by group");
    }
    if (const YAML::Node g = field(p, "googleConfig");
        g && r.mapping(g, child(path, "googleConfig"), {"group", "adminEmail", "serviceAccountJson",
                                                        "useApplicationDefaultCredentials", "targetPrincipal",
                                                        "useOrganizationID", "adminAPIUserScope"})) {
        const std::string at = child(path, "googleConfig");
        read_direct(r, g, at, {{"group", "google-group", Kind::list}});
        read_direct(r, g, at, {{"adminEmail", "google-admin-email"}});
        read_direct(r, g, at, {{"serviceAccountJson", "google-service-account-json"}});
        for (const char* key : {"useApplicationDefaultCredentials", "targetPrincipal", "useOrganizationID", "adminAPIUserScope"})
            r.refuse_if_set(g, key, at, "give serviceAccountJson and adminEmail");
    }
    r.refuse_if_set(p, "microsoftEntraIDConfig", path, "use provider entra-id with oidcConfig.issuerURL and allowedGroups");
    r.refuse_if_set(p, "ADFSConfig", path, "use provider oidc");
    r.refuse_if_set(p, "bitbucketConfig", path, "Gatehouse has no bitbucket provider");
    r.refuse_if_set(p, "loginGovConfig", path, "Gatehouse has no login.gov provider");
}

}  // namespace

void read_providers(Reader& r, const YAML::Node& node, const std::string& path) {
    if (!r.sequence(node, path)) return;
    if (node.size() != 1) {
        r.fail(path, node.size() == 0 ? "at least one provider has to be defined"
                                      : "multiple providers are not supported (oauth2-proxy refuses them too)");
        return;
    }
    read_provider(r, node[0], item(path, 0));
}

}  // namespace gh::options::alpha
