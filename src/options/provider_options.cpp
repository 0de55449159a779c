// The provider's flags: which apply to which provider, the defaults each provider brings, and the secrets and key
// files read at start (so that a bad file stops the start, not a login).
#include <nlohmann/json.hpp>

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

void check_github_only(Checks& c, bool github, bool gitlab) {
    const auto& o = c.o;
    only_for(c, github, "github", o.github_org, o.github_teams, o.github_users, o.validate_url);
    only_for(c, gitlab, "gitlab", o.gitlab_groups);
}

void check_entra(Checks& c, bool entra) {
    const auto& o = c.o;
    only_for(c, entra, "azure or entra-id", o.azure_tenant, o.azure_graph_url);
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
    if (o.approval_prompt == "force" && o.prompt.empty()) o.prompt = "consent";
}

}  // namespace gh::options
