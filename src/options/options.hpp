#pragma once
// The validated, immutable configuration. Built once by parse_options(): the flag table (options/flag_table.cpp)
// fills each field from its row, then the checks of each area (options/*_checks.cpp) test what spans several
// flags and derive the rest. Shared read-only afterwards.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "doors/config.hpp"
#include "http/ip_range.hpp"
#include "identity/config.hpp"
#include "oidc/providers/service_account.hpp"
#include "observe/logs.hpp"
#include "options/secret.hpp"
#include "options/value_parsers.hpp"
#include "proxy/config.hpp"
#include "session/cookie_secrets.hpp"
#include "session/set_cookie.hpp"

namespace gh::options {

// --redis-*: where the Redis session store is. URLs are checked at parse time.
struct RedisOptions {
    std::string connection_url;  // standalone
    std::string username;        // overrides the URLs' user
    Secret password;             // overrides the URLs' password
    bool use_sentinel = false;
    std::string sentinel_master_name;
    std::vector<std::string> sentinel_urls;
    Secret sentinel_password;
    bool use_cluster = false;
    std::vector<std::string> cluster_urls;
    std::string ca_path;
    bool insecure_skip_tls_verify = false;
    std::chrono::milliseconds timeout{1000};       // --redis-timeout
    std::chrono::milliseconds idle_timeout{0};     // --redis-connection-idle-timeout
};

struct Options {
    // Provider
    std::string provider;
    std::string oidc_issuer_url;
    std::string client_id;
    Secret client_secret;
    std::string client_secret_file;  // read into client_secret by the checks
    std::string oidc_groups_claim;
    std::string oidc_email_claim;
    bool keycloak = false;  // --provider=keycloak-oidc: realm roles become groups "role:<name>"
    // --provider=github (plain OAuth 2.0; the identity from its REST API at `validate_url`)
    std::string validate_url;
    std::string github_org;
    std::vector<std::string> github_teams;
    std::vector<std::string> github_users;
    std::vector<std::string> gitlab_groups;  // --provider=gitlab
    // --provider=google: groups through the Admin SDK Directory API, as a service account acting for an admin
    using GoogleServiceAccount = providers::ServiceAccount;
    std::vector<std::string> google_groups;
    std::string google_admin_email;
    std::string google_service_account_json;  // the key file, read into google_service_account by the checks
    std::optional<GoogleServiceAccount> google_service_account;
    std::string google_directory_url;
    // --provider=azure or entra-id (one provider: Microsoft Entra ID's v2.0 OpenID Connect endpoints)
    std::string azure_tenant;
    std::string azure_graph_url;
    bool entra_id() const { return provider == "azure" || provider == "entra-id"; }
    // An Entra ID issuer for any tenant (common, organizations, consumers): its tokens name their own tenant.
    bool entra_multi_tenant() const {
        for (const char* any : {"/common/", "/organizations/", "/consumers/"})
            if (oidc_issuer_url.find(any) != std::string::npos) return true;
        return false;
    }
    std::string scope;
    std::string redirect_url;  // empty: derived from each request
    bool skip_oidc_discovery = false;
    std::string login_url;
    std::string redeem_url;
    std::string oidc_jwks_url;
    std::string backend_logout_url;
    std::vector<std::string> oidc_extra_audiences;
    bool allow_unverified_email = false;
    bool skip_issuer_verification = false;
    std::string code_challenge_method;
    std::string prompt;
    std::string approval_prompt;  // force: prompt=consent unless --prompt is set
    std::vector<std::string> provider_ca_files;
    bool ssl_insecure_skip_verify = false;
    bool skip_provider_button = false;
    std::chrono::seconds cookie_csrf_expire{0};
    bool cookie_csrf_per_request = false;
    std::vector<std::string> oidc_audience_claims;

    // Cookies and sessions
    Secret cookie_secret;  // raw bytes, 16/24/32 long (as given until the checks decode it)
    std::string cookie_secret_file;
    std::vector<Secret> previous_cookie_secrets;  // --cookie-secret-previous, raw bytes
    std::string cookie_name;
    std::vector<std::string> cookie_domains;
    std::string cookie_path;
    std::chrono::seconds cookie_expire{0};
    std::chrono::seconds cookie_refresh{0};
    bool cookie_secure = true;
    bool cookie_httponly = true;
    session::SameSite cookie_samesite = session::SameSite::unset;
    std::string session_store_type;
    std::chrono::milliseconds session_cache_ttl{0};  // --session-cache-ttl (Redis sessions only)
    RedisOptions redis;

    // Authorization
    std::vector<std::string> email_domains;
    std::string authenticated_emails_file;
    std::vector<std::string> allowed_groups;
    std::vector<std::string> allowed_roles;  // keycloak-oidc: become groups role:<name>
    std::vector<std::string> skip_auth_routes;  // validated: every regex compiles (--skip-auth-regex included)
    std::vector<std::string> skip_auth_regexes;  // --skip-auth-regex, grouped; joined to skip_auth_routes
    std::vector<std::string> api_routes;        // path regexes answered 401 rather than sent to sign in
    bool skip_auth_preflight = false;
    std::string policy_file;
    bool policy_has_certificates = false;  // the policy file, as read at start, has a client_certificates section
    std::vector<std::string> whitelist_domains;

    // Machine clients ([machines])
    struct JwtIssuer {
        std::string issuer;    // discovered like --oidc-issuer-url; the token's `iss` must equal it
        std::string audience;  // the token's `aud` must contain it
    };
    bool skip_jwt_bearer_tokens = false;     // --skip-jwt-bearer-tokens
    std::vector<JwtIssuer> extra_jwt_issuers;  // --extra-jwt-issuers=issuer=audience
    bool bearer_token_login_fallback = true;   // --bearer-token-login-fallback
    std::string htpasswd_file;                 // --htpasswd-file (bcrypt entries only)
    std::vector<std::string> htpasswd_user_groups;  // --htpasswd-user-group
    bool display_htpasswd_form = true;              // --display-htpasswd-form (with --htpasswd-file)
    // --client-certificate-headers: whose certificate headers to read (from --trusted-proxy-ip peers only).
    using ClientCertificateHeaders = doors::ClientCertificateHeaders;
    ClientCertificateHeaders client_certificate_headers;

    // Forward-auth answer
    bool set_xauthrequest = false;
    bool pass_access_token = false;
    bool set_authorization_header = false;  // Authorization: Bearer <ID token> on the allowed answer
    bool set_basic_auth = false;            // Authorization: Basic <user:basic_auth_password> on the allowed answer
    Secret basic_auth_password;             // of both Basic forms
    bool reverse_proxy = false;
    // --original-request-headers: which headers /oauth2/auth reads the original request from (docs/security.md).
    using OriginalRequestHeaders = doors::OriginalRequestHeaders;
    OriginalRequestHeaders original_request_headers = OriginalRequestHeaders::x_original;
    std::vector<http::IpRange> trusted_ips;  // --trusted-proxy-ip (and --trusted-ip): proxies that may send forwarded headers
    std::vector<http::IpRange> trusted_ips_given_as_trusted_ip;  // --trusted-ip, joined to trusted_ips
    std::string real_client_ip_header;       // canonical spelling
    // --upstream: where requests outside --proxy-prefix go once allowed (the longest matching path wins). None:
    // they are answered 200 "Authenticated" as with static://200.
    using Upstream = proxy::Upstream;
    std::vector<Upstream> upstreams;
    // Reverse-proxy mode (an http:// upstream): what the upstream is told about the user.
    bool pass_user_headers = true;           // X-Forwarded-User, -Email, -Groups, -Preferred-Username
    bool pass_authorization_header = false;  // Authorization: Bearer <ID token>
    bool pass_basic_auth = true;             // Authorization: Basic <user:basic_auth_password> (oauth2-proxy's default)
    bool prefer_email_to_user = false;       // the e-mail as the user in X-Forwarded-User and Basic credentials
    bool pass_host_header = true;            // the client's Host (else the upstream's)
    std::chrono::milliseconds upstream_timeout{30'000};  // connect, and each wait for the upstream
    bool ssl_upstream_insecure_skip_verify = false;      // https:// upstreams: accept any certificate
    bool proxies() const {
        for (const auto& u : upstreams)
            if (u.kind != Upstream::Kind::static_response) return true;
        return false;
    }

    // Pages
    std::string provider_display_name;
    std::string banner;
    std::string footer;
    std::string custom_templates_dir;
    std::string custom_sign_in_logo;
    bool show_debug_on_error = false;

    // Server
    std::string grpc_address;  // --grpc-address; empty: no gRPC listener
    bool grpc_tls = false;
    int grpc_max_concurrent_streams = 100;
    std::size_t grpc_max_message_bytes = 0;
    std::chrono::milliseconds grpc_max_connection_age{0};
    ListenAddress http_address;
    std::optional<ListenAddress> https_address;
    std::optional<ListenAddress> metrics_address;  // --metrics-address
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string proxy_prefix;
    std::string ping_path;
    std::string ready_path;
    int workers = 1;
    std::size_t max_header_bytes = 0;
    std::size_t max_header_count = 0;
    std::size_t max_url_length = 0;
    std::size_t max_connections = 0;
    std::chrono::milliseconds header_read_timeout{0};
    std::chrono::milliseconds idle_timeout{0};
    std::chrono::milliseconds shutdown_timeout{0};

    // Logs
    observe::LogSettings logs;
    bool silence_ping_logging = false;
    std::vector<std::string> exclude_logging_paths;
    std::string ping_user_agent;  // --ping-user-agent; empty: none

    std::string config_file;  // --config
    std::string alpha_config_file;  // --alpha-config
    // --alpha-config's injectRequestHeaders and injectResponseHeaders: they replace the header flags (empty lists
    // when the file has none: oauth2-proxy's alpha defaults inject nothing).
    std::optional<std::vector<identity::InjectedHeader>> inject_request_headers;
    std::optional<std::vector<identity::InjectedHeader>> inject_response_headers;

    // Settings that are valid but probably not what the operator meant; logged once at start.
    std::vector<std::string> warnings;
};

// A default-constructed Options, for locating fields (options/binding.hpp).
const Options& probe_options();

// The cookie secrets as the session stores and the login's CSRF cookie take them.
inline session::CookieSecrets cookie_secrets(const Options& o) {
    std::vector<crypto::Bytes> previous;
    for (const auto& p : o.previous_cookie_secrets) {
        const auto bytes = crypto::as_bytes(p.reveal());
        previous.emplace_back(bytes.begin(), bytes.end());
    }
    const auto current = crypto::as_bytes(o.cookie_secret.reveal());
    return {crypto::Bytes(current.begin(), current.end()), std::move(previous)};
}

}  // namespace gh::options
