// Who may pass: e-mail rules, groups and roles, public routes, and the policy, htpasswd and emails files (read
// now, so that a bad file stops the start, with every other problem, instead of refusing everyone later).
#include "authz/policy.hpp"
#include "authz/skip_routes.hpp"
#include "options/checks.hpp"
#include "options/component_configs.hpp"
#include "options/file_checks.hpp"

namespace gh::options {
namespace {

void check_email_rules(Checks& c) {
    const auto& o = c.o;
    if (o.email_domains.empty() && o.authenticated_emails_file.empty())
        c.fail(o.email_domains, "missing (use --email-domain=* to allow any, or --authenticated-emails-file)");
    for (const auto& e : check_emails_file(o.authenticated_emails_file, c.read_file))
        c.fail(o.authenticated_emails_file, describe(e));
}

// As oauth2-proxy's keycloak-oidc: a role is a group named role:<role> (role:<client>:<role> for a client's).
void add_roles_to_groups(Checks& c) {
    auto& o = c.o;
    if (o.allowed_roles.empty()) return;
    if (!o.keycloak) {
        c.fail(o.allowed_roles, "only applies to --provider=keycloak-oidc (roles are Keycloak's)");
        return;
    }
    for (const auto& role : o.allowed_roles) o.allowed_groups.push_back("role:" + role);
}

void check_policy_file(Checks& c) {
    auto& o = c.o;
    if (o.policy_file.empty()) return;
    if (const auto policy = read_policy_file(o.policy_file, c.read_file))
        o.policy_has_certificates = !policy->certificates().empty();
    else
        for (const auto& e : policy.error()) c.fail(o.policy_file, describe(e));
}

}  // namespace

void check_access(Checks& c) {
    auto& o = c.o;
    check_email_rules(c);
    add_roles_to_groups(c);
    o.skip_auth_routes.insert(o.skip_auth_routes.end(), o.skip_auth_regexes.begin(), o.skip_auth_regexes.end());
    check_policy_file(c);
    for (const auto& e : check_htpasswd_file(o.htpasswd_file, c.read_file)) c.fail(o.htpasswd_file, describe(e));
    if (const auto routes = authz::SkipRoutes::compile(o.skip_auth_routes, o.skip_auth_preflight); !routes)
        for (const auto& e : routes.error()) c.fail(o.skip_auth_routes, describe(e));
}

gate::Config gate_config(const Options& o) {
    return {.email_domains = o.email_domains,
            .allowed_groups = o.allowed_groups,
            .skip_auth_routes = o.skip_auth_routes,
            .skip_auth_preflight = o.skip_auth_preflight,
            .api_routes = o.api_routes,
            .bearer_token_login_fallback = o.bearer_token_login_fallback};
}

}  // namespace gh::options
