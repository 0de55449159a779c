#include "app/provider_config.hpp"

#include "oidc/providers/entra_groups.hpp"
#include "oidc/providers/github_account.hpp"
#include "oidc/providers/gitlab_groups.hpp"
#include "oidc/providers/google_account.hpp"

namespace gh::app {
namespace {

// How claims become an identity: the same for the login's IdP and every bearer token issuer.
void map_claims(const options::Options& o, oidc::ProviderConfig& c) {
    c.audience_claims = o.oidc_audience_claims;
    c.keycloak_roles = o.keycloak;
    c.claims.email = o.oidc_email_claim;
    c.claims.groups = o.oidc_groups_claim;
    c.claims.allow_unverified_email = o.allow_unverified_email;
}

}  // namespace

oidc::ProviderConfig provider_config(const options::Options& o) {
    oidc::ProviderConfig c;
    c.issuer_url = o.oidc_issuer_url;
    c.skip_discovery = o.skip_oidc_discovery;
    c.login_url = o.login_url;
    c.redeem_url = o.redeem_url;
    c.jwks_url = o.oidc_jwks_url;
    c.end_session_url = o.backend_logout_url;
    c.client_id = o.client_id;
    c.client_secret = o.client_secret.reveal();
    c.scope = o.scope;
    c.prompt = o.prompt;
    // As oauth2-proxy: --prompt wins; otherwise --approval-prompt goes as the older approval_prompt parameter.
    if (o.prompt.empty() && !o.approval_prompt.empty())
        c.extra_authorization_params.emplace_back("approval_prompt", o.approval_prompt);
    if (!o.acr_values.empty()) c.extra_authorization_params.emplace_back("acr_values", o.acr_values);
    c.code_challenge_method = o.code_challenge_method;
    c.extra_audiences = o.oidc_extra_audiences;
    c.skip_issuer_check = o.skip_issuer_verification;
    map_claims(o, c);
    if (o.provider == "github") {
        c.oauth2_only = true;
        c.skip_discovery = true;
        c.identity_api = providers::github_api_base(o.validate_url);
        c.client_secret_post = true;  // GitHub takes the client's credentials in the form
    }
    if (o.provider == "google") {
        // A refresh token (for --cookie-refresh) only with offline access; `hd` narrows Google's account chooser
        // to the one Workspace domain (a hint only: the hd claim is checked after).
        c.extra_authorization_params.emplace_back("access_type", "offline");
        const auto& domains = o.email_domains;
        if (domains.size() == 1 && domains.front() != "*") c.extra_authorization_params.emplace_back("hd", domains.front());
    }
    if (o.entra_id()) {
        c.tenant_issuer_template = true;
        // Entra ID sends no email_verified. A tenant's own directory is its administrators' word; from any tenant
        // (the multi-tenant endpoints), only an address of a domain the tenant verified counts (xms_edov).
        if (o.entra_multi_tenant()) {
            c.claims.email_verified = "xms_edov";
            c.claims.absent_means_verified = false;
        } else c.claims.email_always_verified = true;
    }
    return c;
}

std::shared_ptr<const oidc::IdentityCompletion> identity_completion(const options::Options& o,
                                                                    const http::HttpClient& client,
                                                                    const Clock& clock) {
    if (o.provider == "github")
        return std::make_shared<providers::GithubAccount>(
            o.validate_url,
            providers::GithubRules{o.github_org, o.github_teams, o.github_users, o.github_repo,
                                   o.github_token.reveal()},
            client);
    if (o.provider == "gitlab") {
        std::vector<providers::GitlabProject> projects;
        for (const auto& p : o.gitlab_project_levels) projects.push_back({p.path, p.access_level});
        return std::make_shared<providers::GitlabGroups>(o.gitlab_groups, std::move(projects), client);
    }
    if (o.entra_id())
        return std::make_shared<providers::EntraGroups>(o.azure_graph_url, o.oidc_groups_claim,
                                                        o.entra_id_allowed_tenants, client);
    if (o.provider == "google") {
        std::vector<std::string> hosted;
        for (const auto& d : o.email_domains)
            if (d != "*") hosted.push_back(d.starts_with('.') ? d.substr(1) : d);
        if (std::find(o.email_domains.begin(), o.email_domains.end(), "*") != o.email_domains.end()) hosted.clear();
        std::unique_ptr<providers::GoogleDirectory> directory;
        if (o.google_service_account)
            directory = std::make_unique<providers::GoogleDirectory>(*o.google_service_account, o.google_admin_email,
                                                                     o.google_directory_url, client, clock);
        return std::make_shared<providers::GoogleAccount>(std::move(hosted), o.google_groups, std::move(directory));
    }
    return nullptr;
}

oidc::ProviderConfig jwt_issuer_config(const options::Options& o, const options::Options::JwtIssuer& issuer) {
    oidc::ProviderConfig c;
    c.issuer_url = issuer.issuer;
    c.client_id = issuer.audience;
    c.keys_only = true;
    map_claims(o, c);
    return c;
}

std::vector<std::string> login_audiences(const options::Options& o) {
    std::vector<std::string> audiences{o.client_id};
    audiences.insert(audiences.end(), o.oidc_extra_audiences.begin(), o.oidc_extra_audiences.end());
    return audiences;
}

}  // namespace gh::app
