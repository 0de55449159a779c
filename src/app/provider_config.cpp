#include "app/provider_config.hpp"

namespace gh::app {

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
    c.code_challenge_method = o.code_challenge_method;
    c.extra_audiences = o.oidc_extra_audiences;
    c.audience_claims = o.oidc_audience_claims;
    c.skip_issuer_check = o.skip_issuer_verification;
    c.keycloak_roles = o.keycloak;
    c.claims.email = o.oidc_email_claim;
    c.claims.groups = o.oidc_groups_claim;
    c.claims.allow_unverified_email = o.allow_unverified_email;
    return c;
}

}  // namespace gh::app
