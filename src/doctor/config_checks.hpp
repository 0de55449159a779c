#pragma once
// The classic forward-auth misconfigurations, found from the configuration and the protected URLs alone.
// Each check appends findings; none touches the network.
#include <vector>

#include "doctor/finding.hpp"
#include "doctor/protected_url.hpp"
#include "options/options.hpp"

namespace gh::doctor {

struct Deployment {
    const options::Options& options;
    std::vector<ProtectedUrl> protected_urls;
    std::optional<ProtectedUrl> auth_url;  // the host browsers sign in on (--redirect-url), when fixed
    std::optional<ProtectedUrl> issuer;    // --oidc-issuer-url (or --login-url without discovery)
};

Deployment describe(const options::Options& o, std::vector<ProtectedUrl> protected_urls);

// The session cookie reaches every protected host and may be set from the sign-in host (else: login loop).
void check_cookie_domain(const Deployment& d, Findings& out);
// Every protected URL is a redirect target --whitelist-domain allows (else: users land on "/").
void check_whitelist(const Deployment& d, Findings& out);
// SameSite=Strict drops the CSRF cookie on the IdP's redirect back when the IdP is another site.
void check_samesite(const Deployment& d, Findings& out);
// Secure cookies are never stored over plain http (except on localhost).
void check_cookie_secure(const Deployment& d, Findings& out);
// Identity headers for the apps: --set-xauthrequest, and --pass-access-token that needs it.
void check_identity_headers(const Deployment& d, Findings& out);
// Skip routes, --api-route and the policy file match the original request: its headers must be believable.
void check_original_request(const Deployment& d, Findings& out);

}  // namespace gh::doctor
