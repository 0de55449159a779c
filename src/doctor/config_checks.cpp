#include "doctor/config_checks.hpp"

#include "authz/redirect_validator.hpp"
#include "login/cookie_domain.hpp"

namespace gh::doctor {
namespace {

bool is_loopback(std::string_view host) {
    return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") || host == "[::1]";
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
    return out;
}

}  // namespace

Deployment describe(const options::Options& o, std::vector<ProtectedUrl> protected_urls) {
    Deployment d{.options = o, .protected_urls = std::move(protected_urls)};
    if (!o.redirect_url.empty()) d.auth_url = parse_protected_url(o.redirect_url);
    d.issuer = parse_protected_url(o.skip_oidc_discovery ? o.login_url : o.oidc_issuer_url);
    return d;
}

void check_cookie_domain(const Deployment& d, Findings& out) {
    const auto& domains = d.options.cookie_domains;
    bool problem = false;
    if (d.auth_url && !domains.empty()) {
        const std::string chosen = login::choose_cookie_domain(domains, d.auth_url->host);
        if (!domain_matches(d.auth_url->host, chosen)) {
            problem = true;
            out.push_back({Severity::error, "cookie-domain",
                           "the sign-in host " + d.auth_url->host + " (--redirect-url) is not under --cookie-domain=" +
                               joined(domains) + ": browsers refuse the session cookie it sets, so every sign-in "
                               "ends where it started (login loop)",
                           "serve the callback on a host under the cookie domain, or add its parent domain to "
                           "--cookie-domain"});
        }
    }
    for (const auto& url : d.protected_urls) {
        if (domains.empty()) {
            if (!d.auth_url || d.auth_url->host == url.host) continue;
            problem = true;
            const std::string parent = common_parent(url.host, d.auth_url->host);
            out.push_back({Severity::error, "cookie-domain",
                           url.text + ": the session cookie is host-only on " + d.auth_url->host +
                               " (no --cookie-domain), so the browser never sends it to " + url.host +
                               ": every visit asks to sign in again (login loop)",
                           parent.empty() ? "serve the app and the sign-in host under one parent domain and set "
                                            "--cookie-domain to it"
                                          : "--cookie-domain=" + parent});
            continue;
        }
        const std::string chosen = login::choose_cookie_domain(domains, url.host);
        if (domain_matches(url.host, chosen)) continue;
        problem = true;
        const std::string parent = d.auth_url ? common_parent(url.host, d.auth_url->host) : std::string{};
        out.push_back({Severity::error, "cookie-domain",
                       url.text + ": " + url.host + " is not under --cookie-domain=" + joined(domains) +
                           ": the browser never sends it the session cookie, so every visit asks to sign in again "
                           "(login loop)",
                       parent.empty() ? "add the app's parent domain to --cookie-domain (and sign in on a host "
                                        "under it)"
                                      : "--cookie-domain=" + parent});
    }
    if (!problem && !d.protected_urls.empty())
        out.push_back({Severity::ok, "cookie-domain",
                       "the session cookie reaches every protected host" +
                           (domains.empty() ? std::string(" (host-only)") : " (--cookie-domain=" + joined(domains) + ")"),
                       {}});
}

void check_whitelist(const Deployment& d, Findings& out) {
    const authz::RedirectValidator redirects(d.options.whitelist_domains);
    bool problem = false;
    for (const auto& url : d.protected_urls) {
        if (redirects.is_valid(url.text)) continue;
        problem = true;
        const std::string parent = d.auth_url ? common_parent(url.host, d.auth_url->host) : std::string{};
        out.push_back({Severity::error, "whitelist-domain",
                       url.text + " is not an allowed redirect target (" +
                           (d.options.whitelist_domains.empty() ? std::string("no --whitelist-domain")
                                                                : "--whitelist-domain=" + joined(d.options.whitelist_domains)) +
                           "): after signing in, users land on / of the "
                           "sign-in host instead of the page they asked for",
                       "--whitelist-domain=" + (parent.empty() ? url.host : parent) +
                           (url.port.empty() ? "" : ":" + url.port)});
    }
    if (!problem && !d.protected_urls.empty())
        out.push_back({Severity::ok, "whitelist-domain", "every protected URL is an allowed redirect target", {}});
}

void check_samesite(const Deployment& d, Findings& out) {
    if (d.options.cookie_samesite != session::SameSite::strict) return;
    if (!d.issuer) return;
    // The CSRF cookie must come back on the IdP's redirect to the callback: a cross-site navigation.
    std::vector<std::string> hosts;
    if (d.auth_url) hosts.push_back(d.auth_url->host);
    else
        for (const auto& u : d.protected_urls) hosts.push_back(u.host);
    for (const auto& host : hosts) {
        if (same_site(host, d.issuer->host)) continue;
        out.push_back({Severity::error, "cookie-samesite",
                       "--cookie-samesite=strict with the IdP on another site (" + d.issuer->host + " vs " + host +
                           "): the browser withholds the CSRF cookie when the IdP sends it back to the callback, "
                           "so every sign-in fails with \"CSRF cookie missing\" (login loop)",
                       "--cookie-samesite=lax (still refuses cross-site POSTs)"});
        return;
    }
    out.push_back({Severity::ok, "cookie-samesite", "SameSite=Strict, and the IdP is on the same site", {}});
}

void check_cookie_secure(const Deployment& d, Findings& out) {
    if (!d.options.cookie_secure) {
        for (const auto& u : d.protected_urls)
            if (u.scheme == "https") {
                out.push_back({Severity::warning, "cookie-secure",
                               "--cookie-secure=false while apps are served over https: the session cookie would "
                               "also travel over plain http",
                               "--cookie-secure=true"});
                return;
            }
        return;
    }
    std::vector<const ProtectedUrl*> urls;
    if (d.auth_url) urls.push_back(&*d.auth_url);
    for (const auto& u : d.protected_urls) urls.push_back(&u);
    for (const auto* u : urls) {
        if (u->scheme != "http" || is_loopback(u->host)) continue;
        out.push_back({Severity::error, "cookie-secure",
                       u->text + " is plain http, but cookies are Secure (--cookie-secure=true): the browser drops "
                                 "them, so sign-in never sticks (login loop)",
                       "serve it over https (recommended), or --cookie-secure=false for a test setup"});
        return;
    }
    out.push_back({Severity::ok, "cookie-secure", "Secure cookies, and every URL is https (or localhost)", {}});
}

void check_identity_headers(const Deployment& d, Findings& out) {
    const auto& o = d.options;
    if (o.pass_access_token && !o.set_xauthrequest) {
        out.push_back({Severity::error, "identity-headers",
                       "--pass-access-token without --set-xauthrequest: X-Auth-Request-Access-Token is never sent",
                       "--set-xauthrequest=true"});
        return;
    }
    if (!o.set_xauthrequest) {
        out.push_back({Severity::warning, "identity-headers",
                       "--set-xauthrequest is off: the auth answer carries no X-Auth-Request-User, -Email, -Groups "
                       "or -Preferred-Username, so apps that read them (auth-response-headers, auth_request_set, "
                       "authResponseHeaders, copy_headers) see nobody",
                       "--set-xauthrequest=true if your apps expect identity headers"});
        return;
    }
    out.push_back({Severity::ok, "identity-headers",
                   std::string("X-Auth-Request-User/-Email/-Groups/-Preferred-Username") +
                       (o.pass_access_token ? " and -Access-Token" : "") + " on every allowed answer",
                   {}});
}

void check_original_request(const Deployment& d, Findings& out) {
    const auto& o = d.options;
    std::vector<std::string> rules;
    if (!o.skip_auth_routes.empty()) rules.emplace_back("--skip-auth-route");
    if (o.skip_auth_preflight) rules.emplace_back("--skip-auth-preflight");
    if (!o.api_routes.empty()) rules.emplace_back("--api-route");
    if (!o.policy_file.empty()) rules.emplace_back("--policy-file");
    if (rules.empty()) {
        out.push_back({Severity::ok, "original-request", "no rule depends on the original request's method or path", {}});
        return;
    }
    const std::string which = joined(rules);
    const bool x_forwarded = o.original_request_headers == options::Options::OriginalRequestHeaders::x_forwarded;
    const std::string auth_headers = x_forwarded ? "X-Forwarded-Method/-Proto/-Host/-Uri" : "X-Original-URL and X-Original-Method";
    if (!o.reverse_proxy) {
        out.push_back({Severity::error, "original-request",
                       which + " match the original request, which /oauth2/auth (" + auth_headers +
                           ") and /oauth2/forward_auth (X-Forwarded-*) read from the proxy's headers; without "
                           "--reverse-proxy they are never believed, so those doors refuse every request (403 or 400)",
                       "--reverse-proxy=true and --trusted-proxy-ip=<your proxies' addresses> (the Envoy doors and "
                       "reverse-proxy mode read the request itself and need neither)"});
        return;
    }
    if (o.trusted_ips.empty()) {
        out.push_back({Severity::warning, "original-request",
                       which + " match the method and path the proxy reports, and without --trusted-proxy-ip any "
                               "peer may report them: a client that reaches Gatehouse directly chooses what the rules see",
                       "--trusted-proxy-ip=<your proxies' addresses>"});
        return;
    }
    out.push_back({Severity::ok, "original-request",
                   which + " match the original request: /oauth2/auth reads " + auth_headers +
                       " (the proxy must set them itself: nginx passes a client's own copies otherwise), "
                       "/oauth2/forward_auth X-Forwarded-Method/-Proto/-Host/-Uri, from --trusted-proxy-ip peers only",
                   {}});
}

}  // namespace gh::doctor
