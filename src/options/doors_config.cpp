// Whom Gatehouse believes: the proxies whose forwarded headers count, the client certificates they vouch for, and
// the bearer token issuers.
#include "options/checks.hpp"
#include "options/component_configs.hpp"

namespace gh::options {
namespace {

// --trusted-proxy-ip is oauth2-proxy's (7.15) name for the proxies whose forwarded headers count. oauth2-proxy's
// --trusted-ip lets addresses skip sign-in, which Gatehouse never does; given here it is read as a proxy list,
// so a migrated setting fails closed (users sign in) instead of opening a hole, and a warning says so.
void check_trusted_proxies(Checks& c) {
    auto& o = c.o;
    if (c.has_values(o.trusted_ips) && !o.reverse_proxy)
        c.fail(o.trusted_ips, "needs --reverse-proxy: it lists the proxies whose forwarded headers are trusted");
    // oauth2-proxy accepts --trusted-ip alone (its addresses then skip sign-in by their own address); so does
    // Gatehouse, where it has no effect at all without --reverse-proxy.
    if (!o.trusted_ips_given_as_trusted_ip.empty() && !o.reverse_proxy)
        o.warnings.push_back("--trusted-ip has no effect without --reverse-proxy: unlike oauth2-proxy, Gatehouse lets "
                             "no address skip sign-in (with --reverse-proxy it is read as --trusted-proxy-ip)");
    else if (!o.trusted_ips_given_as_trusted_ip.empty())
        o.warnings.push_back("--trusted-ip is read as --trusted-proxy-ip (proxies whose forwarded headers are "
                             "trusted); unlike oauth2-proxy, Gatehouse lets no address skip sign-in");
    if (o.reverse_proxy)
        o.trusted_ips.insert(o.trusted_ips.end(), o.trusted_ips_given_as_trusted_ip.begin(),
                             o.trusted_ips_given_as_trusted_ip.end());
    if (o.reverse_proxy && o.trusted_ips.empty())
        o.warnings.push_back("--reverse-proxy without --trusted-proxy-ip believes forwarded headers from any peer; "
                             "list your proxies' addresses so that nobody else can speak for a client");
}

// A certificate header is a claim the proxy makes for the client: only the proxies listed in --trusted-proxy-ip
// may make it (with an empty list --reverse-proxy believes any peer), and only the policy file says who a
// certificate stands for.
void check_client_certificates(Checks& c) {
    const auto& o = c.o;
    const auto& field = o.client_certificate_headers;
    if (!field.any()) return;
    if (!o.reverse_proxy || o.trusted_ips.empty())
        c.fail(field, "needs --reverse-proxy and --trusted-proxy-ip: only the proxies listed there may vouch for a "
                      "client certificate");
    if (o.policy_file.empty())
        c.fail(field, "needs --policy-file: its client_certificates section says which certificate is which user");
    else if (!o.policy_has_certificates)
        c.fail(field, o.policy_file + " has no client_certificates section: no certificate would name a user");
}

}  // namespace

void check_trust(Checks& c) {
    auto& o = c.o;
    check_trusted_proxies(c);
    if (!o.extra_jwt_issuers.empty() && !o.skip_jwt_bearer_tokens)
        o.warnings.push_back("--extra-jwt-issuers has no effect without --skip-jwt-bearer-tokens");
    check_client_certificates(c);
}

identity::Config identity_config(const Options& o) {
    identity::Config c;
    c.set_xauthrequest = o.set_xauthrequest;
    c.pass_access_token = o.pass_access_token;
    c.set_authorization_header = o.set_authorization_header;
    c.set_basic_auth = o.set_basic_auth;
    c.prefer_email_to_user = o.prefer_email_to_user;
    c.basic_auth_password = o.basic_auth_password;
    c.response_headers = o.inject_response_headers;
    c.request_headers = o.inject_request_headers;
    return c;
}

doors::Config doors_config(const Options& o) {
    doors::Config c;
    static_cast<identity::Config&>(c) = identity_config(o);
    c.proxy_prefix = o.proxy_prefix;
    c.redirect_url = o.redirect_url;
    c.original_request_headers = o.original_request_headers;
    c.client_certificate_headers = o.client_certificate_headers;
    c.skip_jwt_bearer_tokens = o.skip_jwt_bearer_tokens;
    c.reverse_proxy = o.reverse_proxy;
    c.trusted_ips = o.trusted_ips;
    c.real_client_ip_header = o.real_client_ip_header;
    c.max_url_length = o.max_url_length;
    return c;
}

}  // namespace gh::options
