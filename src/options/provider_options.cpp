// The provider's flags: which apply to which provider, the defaults each provider brings, and the secrets and key
// files read at start (so that a bad file stops the start, not a login).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "crypto/rsa_signer.hpp"
#include "options/checks.hpp"

namespace gh::options {
namespace {

// Secrets read from files lose the file's trailing newline.
void trim_line_end(std::string& s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Flags of one provider, given while another is chosen: refused, since they would silently do nothing.
template <class... Fields>
void only_for(Checks& c, bool chosen, std::string_view provider, const Fields&... fields) {
    const std::string problem = "only applies to --provider=" + std::string(provider);
    ((!chosen && c.given(fields) ? c.fail(fields, problem) : void()), ...);
}

// --gitlab-project: group/project=level, the level one of GitLab's (oauth2-proxy's default 20, reporter).
void check_gitlab_projects(Checks& c) {
    auto& o = c.o;
    for (const auto& item : o.gitlab_projects) {
        const auto eq = item.find('=');
        const std::string path = item.substr(0, eq);
        const auto level = parse_integer(eq == std::string::npos ? "20" : item.substr(eq + 1));
        if (path.empty() || path.find('/') == std::string::npos || path.front() == '/' || path.back() == '/')
            c.fail(o.gitlab_projects, "'" + item + "' is not group/project[=access level]");
        else if (!level || *level % 10 != 0 || *level < 10 || *level > 50)
            c.fail(o.gitlab_projects, "'" + item + "': the access level must be 10, 20, 30, 40 or 50 (GitLab's)");
        else
            o.gitlab_project_levels.push_back({path, static_cast<int>(*level)});
    }
}

// --github-repo is owner/name, which goes into the API's URL path: nothing else may come with it.
void check_github_repo(Checks& c) {
    const auto& o = c.o;
    const auto& repo = o.github_repo;
    const auto allowed = [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.' || ch == '/';
    };
    const auto slash = repo.find('/');
    const bool owner_and_name = slash != std::string::npos && slash > 0 && slash + 1 < repo.size() &&
                                repo.find('/', slash + 1) == std::string::npos && repo.find("..") == std::string::npos &&
                                std::all_of(repo.begin(), repo.end(), allowed);
    if (!repo.empty() && !owner_and_name) c.fail(repo, "'" + repo + "' is not owner/repository");
    if (c.given(o.github_token) && repo.empty()) c.fail(o.github_token, "needs --github-repo");
}

void check_github_only(Checks& c, bool github, bool gitlab) {
    const auto& o = c.o;
    only_for(c, github, "github", o.github_org, o.github_teams, o.github_users, o.validate_url, o.github_repo,
             o.github_token);
    check_github_repo(c);
    only_for(c, gitlab, "gitlab", o.gitlab_groups, o.gitlab_projects);
    check_gitlab_projects(c);
}

void check_entra(Checks& c, bool entra) {
    const auto& o = c.o;
    only_for(c, entra, "azure or entra-id", o.azure_tenant, o.azure_graph_url, o.entra_id_allowed_tenants);
    if (entra && (o.azure_tenant.empty() || o.azure_tenant.find_first_of("/?#:") != std::string::npos))
        c.fail(o.azure_tenant, "'" + o.azure_tenant + "' is not a tenant ID or domain");
    if (entra && !parse_http_url(o.azure_graph_url))
        c.fail(o.azure_graph_url, "'" + o.azure_graph_url + "' is not an http(s) URL");
}

// The service account's JSON key, or nothing (the problem reported).
std::optional<Options::GoogleServiceAccount> read_service_account(Checks& c) {
    const auto& field = c.o.google_service_account_json;
    const auto& file = field;
    const auto content = c.read_file(file);
    if (!content) {
        c.fail(field, "cannot read " + file);
        return std::nullopt;
    }
    const auto key = nlohmann::json::parse(*content, nullptr, false);
    const auto member = [&](const char* name) {
        const auto it = key.is_object() ? key.find(name) : key.end();
        return key.is_object() && it != key.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    Options::GoogleServiceAccount account{member("client_email"), member("private_key_id"),
                                          Secret(member("private_key")), member("token_uri")};
    if (account.token_uri.empty()) account.token_uri = "https://oauth2.googleapis.com/token";
    if (!key.is_object() || member("type") != "service_account" || account.client_email.empty())
        c.fail(field, file + " is not a service account's JSON key");
    else if (!crypto::RsaSigner::from_pem(account.private_key.reveal()))
        c.fail(field, file + " holds no usable RSA private_key");
    else if (!parse_http_url(account.token_uri))
        c.fail(field, file + ": token_uri is not an http(s) URL");
    else
        return account;
    return std::nullopt;
}

// --provider=google's groups: the service account's key (checked now, so a bad file stops the start, not a login).
void check_google(Checks& c, bool google) {
    auto& o = c.o;
    only_for(c, google, "google", o.google_groups, o.google_admin_email, o.google_service_account_json,
             o.google_directory_url);
    if (!google) return;
    if (!parse_http_url(o.google_directory_url))
        c.fail(o.google_directory_url, "'" + o.google_directory_url + "' is not an http(s) URL");
    const bool wants_groups =
        !o.google_groups.empty() || !o.google_admin_email.empty() || !o.google_service_account_json.empty();
    if (!wants_groups) return;
    if (o.google_admin_email.empty())
        c.fail(o.google_admin_email, "missing (the Directory API is read as a Workspace administrator)");
    if (o.google_service_account_json.empty()) {
        c.fail(o.google_service_account_json, "missing (groups are read with a service account's key)");
        return;
    }
    o.google_service_account = read_service_account(c);
}

// The issuer each provider implies, unless one is given.
void check_issuer(Checks& c, bool github, bool gitlab, bool google, bool entra) {
    auto& o = c.o;
    if (gitlab && o.oidc_issuer_url.empty()) o.oidc_issuer_url = "https://gitlab.com";  // or a self-hosted GitLab
    check_google(c, google);
    if (google && o.oidc_issuer_url.empty()) o.oidc_issuer_url = "https://accounts.google.com";
    if (entra && o.oidc_issuer_url.empty()) o.oidc_issuer_url = "https://login.microsoftonline.com/" + o.azure_tenant + "/v2.0";
    if (github) {
        // GitHub is plain OAuth 2.0: fixed endpoints (or GitHub Enterprise's, given), no discovery, no ID token.
        if (!o.oidc_issuer_url.empty()) c.fail(o.oidc_issuer_url, "not used by --provider=github (GitHub is not OpenID Connect)");
        // What stands for the issuer where one is named (gatehouse doctor): the server of --login-url (a GitHub
        // Enterprise or Gitea host), github.com by default.
        o.oidc_issuer_url = "https://github.com";
        if (const auto login = parse_http_url(o.login_url))
            o.oidc_issuer_url = login->scheme + "://" + login->host + (login->port ? ":" + std::to_string(login->port) : "");
        if (!c.given(o.validate_url)) o.validate_url = "https://api.github.com/";
        if (!parse_http_url(o.validate_url)) c.fail(o.validate_url, "'" + o.validate_url + "' is not an http(s) URL");
    } else if (o.oidc_issuer_url.empty()) {
        c.fail(o.oidc_issuer_url, "missing (required by --provider=oidc)");
    } else if (!parse_http_url(o.oidc_issuer_url)) {
        c.fail(o.oidc_issuer_url, "'" + o.oidc_issuer_url + "' is not an http(s) URL");
    }
}

// oauth2-proxy's deprecated --user-id-claim names the e-mail claim while --oidc-email-claim is left at email.
void apply_user_id_claim(Options& o) {
    if (o.oidc_email_claim == "email" && o.user_id_claim != "email" && !o.user_id_claim.empty())
        o.oidc_email_claim = o.user_id_claim;
}

// keycloak-oidc's groups: oauth2-proxy adds --keycloak-group to the allowed groups (the groups claim's values).
void apply_keycloak_groups(Checks& c) {
    auto& o = c.o;
    only_for(c, o.keycloak, "keycloak-oidc", o.keycloak_groups);
    if (o.keycloak) o.allowed_groups.insert(o.allowed_groups.end(), o.keycloak_groups.begin(), o.keycloak_groups.end());
}

// --relative-redirect-url: oauth2-proxy sends --redirect-url as given, a path (its default <prefix>/callback).
void check_redirect_url(Checks& c) {
    auto& o = c.o;
    const bool path = o.redirect_url.starts_with('/');
    if (path && o.redirect_url.starts_with("//"))
        c.fail(o.redirect_url, "'" + o.redirect_url + "' is not a path");
    else if (path && !o.relative_redirect_url)
        c.fail(o.redirect_url, "a path needs --relative-redirect-url (else give the absolute callback URL)");
    if (o.relative_redirect_url && o.redirect_url.empty()) o.redirect_url = o.proxy_prefix + "/callback";
}

// Without --provider-ca-file the system's CAs are trusted anyway; the flag only widens a list of files.
void check_trust_store(Checks& c) {
    auto& o = c.o;
    if (o.provider_ca_files.empty()) o.use_system_trust_store = true;
}

}  // namespace

std::string secret_or_file(Checks& c, const Secret& inline_value, const std::string& file, std::string_view flag) {
    const std::string file_flag = std::string(flag) + "-file";
    if (c.given(inline_value) && !file.empty()) {
        c.fail(file, "give either --" + std::string(flag) + " or --" + file_flag + ", not both");
        return {};
    }
    if (file.empty()) {
        if (inline_value.empty()) c.fail(inline_value, "missing (or use --" + file_flag + ")");
        return inline_value.reveal();
    }
    auto content = c.read_file(file);
    if (!content) {
        c.fail(file, "cannot read " + file);
        return {};
    }
    trim_line_end(*content);
    if (content->empty()) c.fail(file, file + " is empty");
    return *content;
}

void check_provider(Checks& c) {
    auto& o = c.o;
    if (o.provider == "keycloak-oidc") {
        o.provider = "oidc";
        o.keycloak = true;
    }
    if (o.provider == "keycloak") {
        c.fail(o.provider, "the old Keycloak provider is not supported: use --provider=keycloak-oidc with "
                           "--oidc-issuer-url=https://<keycloak>/realms/<realm>");
        return;
    }
    apply_user_id_claim(o);
    apply_keycloak_groups(c);
    check_trust_store(c);
    check_redirect_url(c);
    const bool github = o.provider == "github", gitlab = o.provider == "gitlab", entra = o.entra_id(),
               google = o.provider == "google";
    if (o.provider != "oidc" && !github && !gitlab && !entra && !google)
        c.fail(o.provider, "unknown provider '" + o.provider +
                               "' (expected oidc, keycloak-oidc, google, github, gitlab, azure or entra-id)");
    check_github_only(c, github, gitlab);
    check_entra(c, entra);
    if (!o.github_teams.empty() && o.github_org.empty()) c.fail(o.github_teams, "needs --github-org (teams are within it)");
    check_issuer(c, github, gitlab, google, entra);
    if (o.client_id.empty()) c.fail(o.client_id, "missing");
    o.client_secret = Secret(secret_or_file(c, o.client_secret, o.client_secret_file, "client-secret"));
    if (github && !c.given(o.scope)) o.scope = o.github_org.empty() ? "user:email" : "user:email read:org";
    else if (!github && o.scope.find("openid") == std::string::npos) c.fail(o.scope, "must include openid");
    if (github && o.login_url.empty()) o.login_url = "https://github.com/login/oauth/authorize";
    if (github && o.redeem_url.empty()) o.redeem_url = "https://github.com/login/oauth/access_token";
    for (const auto* field : {&o.login_url, &o.redeem_url, &o.oidc_jwks_url})
        if (field->empty() && o.skip_oidc_discovery) c.fail(*field, "missing (required by --skip-oidc-discovery)");
}

}  // namespace gh::options
