#include "options/flag_table.hpp"

#include "options/binding.hpp"
#include "options/field_parsers.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace gh::options {
namespace {

using namespace bind;

constexpr std::array kFlags = {
    // Provider
    FlagSpec{"provider", "provider", text<&Options::provider>(), "google", "OAuth provider: oidc, keycloak-oidc, google, github, gitlab, azure or entra-id"},
    FlagSpec{"oidc-issuer-url", "oidc_issuer_url", text<&Options::oidc_issuer_url>(), "", "OpenID Connect issuer URL (discovery base)"},
    FlagSpec{"client-id", "client_id", text<&Options::client_id>(), "", "OAuth client ID"},
    FlagSpec{"client-secret", "client_secret", secret<&Options::client_secret>(), "", "OAuth client secret"},
    FlagSpec{"client-secret-file", "client_secret_file", text<&Options::client_secret_file>(), "", "file holding the OAuth client secret"},
    FlagSpec{"oidc-groups-claim", "oidc_groups_claim", text<&Options::oidc_groups_claim>(), "groups",
             "ID token claim holding the groups (a dotted path such as realm_access.roles works)"},
    FlagSpec{"oidc-email-claim", "oidc_email_claim", text<&Options::oidc_email_claim>(), "email", "ID token claim holding the e-mail"},
    FlagSpec{"scope", "scope", text<&Options::scope>(), "openid email profile", "scopes requested at the IdP (github: user:email, with --github-org also read:org)", Compat::differs},
    FlagSpec{"redirect-url", "redirect_url", parsed<parse::redirect_url, &Options::redirect_url>(), "",
             "OAuth callback URL (default: the request's scheme and host + <proxy-prefix>/callback)"},
    FlagSpec{"skip-oidc-discovery", "skip_oidc_discovery", boolean<&Options::skip_oidc_discovery>(), "false",
             "use --login-url, --redeem-url and --oidc-jwks-url instead of discovery"},
    FlagSpec{"login-url", "login_url", parsed<parse::optional_http_url, &Options::login_url>(), "", "authorization endpoint (with --skip-oidc-discovery)"},
    FlagSpec{"redeem-url", "redeem_url", parsed<parse::optional_http_url, &Options::redeem_url>(), "", "token endpoint (with --skip-oidc-discovery)"},
    FlagSpec{"oidc-jwks-url", "oidc_jwks_url", parsed<parse::optional_http_url, &Options::oidc_jwks_url>(), "", "JWKS URL (with --skip-oidc-discovery)"},
    FlagSpec{"backend-logout-url", "backend_logout_url", parsed<parse::optional_http_url, &Options::backend_logout_url>(), "",
             "IdP logout URL sign-out redirects to (default: discovery's end_session_endpoint)"},
    FlagSpec{"validate-url", "validate_url", text<&Options::validate_url>(), "",
             "github: the REST API's base URL (default https://api.github.com/; GitHub Enterprise: https://host/api/v3/)"},
    FlagSpec{"github-org", "github_org", text<&Options::github_org>(), "", "github: only members of this organisation may sign in"},
    FlagSpec{"github-team", "github_team", list<&Options::github_teams>(), "", "github: with --github-org, only members of these team slugs"},
    FlagSpec{"github-user", "github_users", list<&Options::github_users>(), "",
             "github: these logins may sign in whatever their organisation and teams"},
    FlagSpec{"azure-tenant", "azure_tenant", text<&Options::azure_tenant>(), "common",
             "azure/entra-id: the tenant (ID or domain; common, organizations: any tenant) the issuer is made from"},
    FlagSpec{"azure-graph-url", "azure_graph_url", text<&Options::azure_graph_url>(), "https://graph.microsoft.com",
             "azure/entra-id: Microsoft Graph, asked for the groups when a token has too many to hold (national clouds "
             "have their own)", Compat::gatehouse},
    FlagSpec{"google-group", "google_groups", list<&Options::google_groups>(), "",
             "google: only members of one of these groups (their e-mail addresses; nested memberships count)"},
    FlagSpec{"google-admin-email", "google_admin_email", text<&Options::google_admin_email>(), "",
             "google: the Workspace administrator the service account acts for when it reads groups"},
    FlagSpec{"google-service-account-json", "google_service_account_json", text<&Options::google_service_account_json>(), "",
             "google: the service account's JSON key file, for reading groups from the Admin SDK Directory API"},
    FlagSpec{"google-directory-url", "google_directory_url", text<&Options::google_directory_url>(), "https://admin.googleapis.com",
             "google: the Directory API's base URL", Compat::gatehouse},
    FlagSpec{"gitlab-group", "gitlab_groups", list<&Options::gitlab_groups>(), "", "gitlab: only members of one of these groups (full path) may sign in"},
    FlagSpec{"oidc-extra-audience", "oidc_extra_audiences", list<&Options::oidc_extra_audiences>(), "", "further accepted ID token audiences"},
    FlagSpec{"insecure-oidc-allow-unverified-email", "insecure_oidc_allow_unverified_email", boolean<&Options::allow_unverified_email>(), "false",
             "accept e-mails the IdP marks unverified"},
    FlagSpec{"insecure-oidc-skip-issuer-verification", "insecure_oidc_skip_issuer_verification", boolean<&Options::skip_issuer_verification>(), "false",
             "accept an issuer different from --oidc-issuer-url"},
    FlagSpec{"code-challenge-method", "code_challenge_method", parsed<parse::code_challenge_method, &Options::code_challenge_method>(), "S256", "PKCE method: S256 or plain", Compat::differs},
    FlagSpec{"prompt", "prompt", text<&Options::prompt>(), "", "OIDC prompt parameter (none, login, consent, select_account)"},
    FlagSpec{"provider-ca-file", "provider_ca_files", list<&Options::provider_ca_files>(), "", "extra CA certificates (PEM) for the IdP"},
    FlagSpec{"ssl-insecure-skip-verify", "ssl_insecure_skip_verify", boolean<&Options::ssl_insecure_skip_verify>(), "false",
             "do not verify the IdP's TLS certificate (testing only)"},
    FlagSpec{"skip-provider-button", "skip_provider_button", boolean<&Options::skip_provider_button>(), "false",
             "send /oauth2/sign_in straight to the IdP"},
    FlagSpec{"provider-display-name", "provider_display_name", text<&Options::provider_display_name>(), "",
             "the IdP's name on the sign-in button (default: the provider's, e.g. Google, OpenID Connect)"},
    FlagSpec{"banner", "banner", text<&Options::banner>(), "", "HTML shown above the sign-in button (- for none)"},
    FlagSpec{"footer", "footer", text<&Options::footer>(), "", "HTML shown at the bottom of every page (- for none)"},
    FlagSpec{"custom-sign-in-logo", "custom_sign_in_logo", text<&Options::custom_sign_in_logo>(), "",
             "logo on the sign-in page: an .svg, .png or .jpg file, an https:// URL, or - for none; unlike "
             "oauth2-proxy's, empty shows no logo", Compat::differs},
    FlagSpec{"show-debug-on-error", "show_debug_on_error", boolean<&Options::show_debug_on_error>(), "false",
             "error pages show what went wrong in detail instead of a general message"},
    FlagSpec{"custom-templates-dir", "custom_templates_dir", text<&Options::custom_templates_dir>(), "",
             "directory whose sign_in.html, error.html and signed_out.html replace the built-in pages"},
    FlagSpec{"cookie-csrf-expire", "cookie_csrf_expire", duration<&Options::cookie_csrf_expire>(), "15m", "lifetime of the login CSRF cookie"},
    FlagSpec{"cookie-csrf-per-request", "cookie_csrf_per_request", boolean<&Options::cookie_csrf_per_request>(), "false",
             "one CSRF cookie per login, so parallel logins in several tabs do not clobber each other"},
    FlagSpec{"approval-prompt", "approval_prompt", parsed<parse::approval_prompt, &Options::approval_prompt>(), "force",
             "sent to the IdP as approval_prompt=<value> when --prompt is not set (--prompt wins)"},
    FlagSpec{"oidc-audience-claim", "oidc_audience_claims", list<&Options::oidc_audience_claims>(), "aud", "claims holding the ID token audience"},
    // oauth2-proxy's provider flags that came with issue #23 (drop-in): kept together to merge easily.
    FlagSpec{"user-id-claim", "user_id_claim", text<&Options::user_id_claim>(), "email",
             "deprecated name of --oidc-email-claim (used when --oidc-email-claim is left at email)"},
    FlagSpec{"acr-values", "acr_values", text<&Options::acr_values>(), "", "sent to the IdP as acr_values on the authorization request"},
    FlagSpec{"keycloak-group", "keycloak_groups", list<&Options::keycloak_groups>(), "",
             "keycloak-oidc: allow only members of these groups (joined to --allowed-group)"},
    FlagSpec{"entra-id-allowed-tenant", "entra_id_allowed_tenants", list<&Options::entra_id_allowed_tenants>(), "",
             "entra-id: allow only users whose token's tid is one of these tenant IDs"},
    FlagSpec{"github-repo", "github_repo", text<&Options::github_repo>(), "",
             "github: without --github-org, only collaborators of this owner/repository (see --github-token)"},
    FlagSpec{"github-token", "github_token", secret<&Options::github_token>(), "",
             "github: a token with push access to --github-repo, to ask GitHub for its collaborators (else the user's "
             "own push access, or pull on a private repository, counts)"},
    FlagSpec{"gitlab-project", "gitlab_projects", list<&Options::gitlab_projects>(), "",
             "gitlab: members of these projects (group/project=access level, default 20: reporter) may sign in, with the "
             "group project:<group/project>"},
    FlagSpec{"use-system-trust-store", "use_system_trust_store", boolean<&Options::use_system_trust_store>(), "false",
             "with --provider-ca-file, trust the system's CAs as well (else only those files)"},
    FlagSpec{"skip-auth-strip-headers", "skip_auth_strip_headers", parsed<parse::strip_identity_headers, &Options::skip_auth_strip_headers>(FlagType::boolean), "true",
             "true only: the identity headers Gatehouse sets (X-Forwarded-User, -Email, -Groups, -Preferred-Username, "
             "-Access-Token, X-Auth-Request-*, Authorization) never pass from the client"},
    FlagSpec{"proxy-websockets", "proxy_websockets", boolean<&Options::proxy_websockets>(), "true",
             "reverse-proxy mode: pass WebSocket upgrades to the upstream (false: the upgrade is dropped)"},
    FlagSpec{"force-https", "force_https", boolean<&Options::force_https>(), "false",
             "answer a request that came over plain HTTP (X-Forwarded-Proto behind --reverse-proxy) with a 308 to "
             "the same URL over HTTPS (port of --https-address, else 443)"},
    FlagSpec{"relative-redirect-url", "relative_redirect_url", boolean<&Options::relative_redirect_url>(), "false",
             "send the IdP --redirect-url as a path (default <proxy-prefix>/callback) instead of an absolute URL"},
    // Cookies and sessions
    FlagSpec{"cookie-secret", "cookie_secret", secret<&Options::cookie_secret>(), "",
             "seed for the session cookie key: 16, 24 or 32 bytes, raw or base64"},
    FlagSpec{"cookie-secret-file", "cookie_secret_file", text<&Options::cookie_secret_file>(), "", "file holding the cookie secret"},
    FlagSpec{"cookie-secret-previous", "cookie_secrets_previous", each<parse::add_cookie_secret, &Options::previous_cookie_secrets>(), "",
             "earlier cookie secrets that still open sessions (repeatable): rotate without signing anyone out", Compat::gatehouse},
    FlagSpec{"cookie-name", "cookie_name", parsed<parse::cookie_name, &Options::cookie_name>(), "_oauth2_proxy", "name of the session cookie"},
    FlagSpec{"cookie-domain", "cookie_domains", list<&Options::cookie_domains>(), "",
             "cookie domain(s); the most specific one matching the request host is used"},
    FlagSpec{"cookie-path", "cookie_path", parsed<parse::absolute_path, &Options::cookie_path>(), "/", "cookie path"},
    FlagSpec{"cookie-expire", "cookie_expire", parsed<parse::positive_duration<std::chrono::seconds>, &Options::cookie_expire>(FlagType::duration), "168h", "session lifetime"},
    FlagSpec{"cookie-refresh", "cookie_refresh", duration<&Options::cookie_refresh>(), "0", "refresh the session after this age (0: off)"},
    FlagSpec{"cookie-secure", "cookie_secure", boolean<&Options::cookie_secure>(), "true", "set the Secure attribute on cookies"},
    FlagSpec{"cookie-httponly", "cookie_httponly", boolean<&Options::cookie_httponly>(), "true", "set the HttpOnly attribute on cookies"},
    FlagSpec{"cookie-samesite", "cookie_samesite", parsed<parse::same_site, &Options::cookie_samesite>(), "", "SameSite attribute: lax, strict, none or empty"},
    FlagSpec{"session-store-type", "session_store_type", parsed<parse::session_store_type, &Options::session_store_type>(), "cookie",
             "where sessions live: cookie (in the browser) or redis (the cookie holds a ticket)"},
    FlagSpec{"session-cache-ttl", "session_cache_ttl", duration<&Options::session_cache_ttl>(), "0",
             "keep Redis sessions decoded per thread this long (0: off); a revoked session may live this long", Compat::gatehouse},
    FlagSpec{"redis-connection-url", "redis_connection_url", text<&Options::redis, &RedisOptions::connection_url>(), "",
             "redis://[user:password@]host:port[/db] or rediss:// (TLS) of a standalone Redis"},
    FlagSpec{"redis-username", "redis_username", text<&Options::redis, &RedisOptions::username>(), "", "Redis ACL user (overrides the URLs')"},
    FlagSpec{"redis-password", "redis_password", secret<&Options::redis, &RedisOptions::password>(), "", "Redis password (overrides the URLs')"},
    FlagSpec{"redis-use-sentinel", "redis_use_sentinel", boolean<&Options::redis, &RedisOptions::use_sentinel>(), "false", "find the Redis master through Sentinel"},
    FlagSpec{"redis-sentinel-master-name", "redis_sentinel_master_name", text<&Options::redis, &RedisOptions::sentinel_master_name>(), "", "the master's name in Sentinel"},
    FlagSpec{"redis-sentinel-connection-urls", "redis_sentinel_connection_urls", list<&Options::redis, &RedisOptions::sentinel_urls>(), "",
             "redis:// URLs of the sentinels"},
    FlagSpec{"redis-sentinel-password", "redis_sentinel_password", secret<&Options::redis, &RedisOptions::sentinel_password>(), "", "password of the sentinels"},
    FlagSpec{"redis-use-cluster", "redis_use_cluster", boolean<&Options::redis, &RedisOptions::use_cluster>(), "false", "use a Redis Cluster"},
    FlagSpec{"redis-cluster-connection-urls", "redis_cluster_connection_urls", list<&Options::redis, &RedisOptions::cluster_urls>(), "",
             "redis:// URLs of some cluster nodes (the rest is discovered)"},
    FlagSpec{"redis-ca-path", "redis_ca_path", text<&Options::redis, &RedisOptions::ca_path>(), "", "CA certificate (PEM) that signs Redis's TLS certificate"},
    FlagSpec{"redis-insecure-skip-tls-verify", "redis_insecure_skip_tls_verify", boolean<&Options::redis, &RedisOptions::insecure_skip_tls_verify>(), "false",
             "do not verify Redis's TLS certificate (testing only)"},
    FlagSpec{"redis-connection-idle-timeout", "redis_connection_idle_timeout", integer<0, 86400, &Options::redis, &RedisOptions::idle_timeout>(), "0",
             "seconds; keep connections busier than this with a PING, below Redis's own timeout (0: off)"},
    FlagSpec{"redis-timeout", "redis_timeout", parsed<parse::positive_duration<std::chrono::milliseconds>, &Options::redis, &RedisOptions::timeout>(FlagType::duration), "1s",
             "longest wait for Redis (each command, each connect) before the request fails closed", Compat::gatehouse},
    // Authorization
    FlagSpec{"email-domain", "email_domains", list<&Options::email_domains>(), "",
             "allowed e-mail domain(s) of signed-in users; * for any", Compat::differs},
    FlagSpec{"authenticated-emails-file", "authenticated_emails_file", text<&Options::authenticated_emails_file>(), "",
             "file of e-mail addresses (one per line) allowed whatever their domain; re-read when it changes"},
    FlagSpec{"allowed-group", "allowed_groups", list<&Options::allowed_groups>(), "", "allow only members of these groups"},
    FlagSpec{"allowed-role", "allowed_roles", list<&Options::allowed_roles>(), "",
             "keycloak-oidc: allow only users with one of these realm roles (or client:role client roles)"},
    FlagSpec{"skip-auth-regex", "skip_auth_regex", each<parse::add_path_regex, &Options::skip_auth_regexes>(), "",
             "oauth2-proxy's older form of --skip-auth-route: path regexes public for every method"},
    FlagSpec{"api-route", "api_routes", each<parse::add_path_regex, &Options::api_routes>(), "",
             "path regexes of APIs: a request there that must sign in gets 401, never a redirect or the sign-in page"},
    FlagSpec{"skip-auth-route", "skip_auth_routes", list<&Options::skip_auth_routes>(), "",
             "METHOD=path-regex or path-regex: requests that pass without a session (matched behind --reverse-proxy "
             "against the original request's normalised path); METHOD!=regex negates",
             Compat::differs, "skip-auth-routes"},
    FlagSpec{"skip-auth-preflight", "skip_auth_preflight", boolean<&Options::skip_auth_preflight>(), "false", "let CORS preflight (OPTIONS) pass"},
    FlagSpec{"skip-jwt-bearer-tokens", "skip_jwt_bearer_tokens", boolean<&Options::skip_jwt_bearer_tokens>(), "false",
             "accept a verified JWT in Authorization: Bearer instead of a session"},
    FlagSpec{"extra-jwt-issuers", "extra_jwt_issuers", each<parse::add_jwt_issuer, &Options::extra_jwt_issuers>(), "",
             "further bearer token issuers, each issuer=audience"},
    FlagSpec{"htpasswd-file", "htpasswd_file", text<&Options::htpasswd_file>(), "", "users and bcrypt passwords for Authorization: Basic"},
    FlagSpec{"htpasswd-user-group", "htpasswd_user_groups", list<&Options::htpasswd_user_groups>(), "", "groups given to the users of --htpasswd-file"},
    FlagSpec{"display-htpasswd-form", "display_htpasswd_form", boolean<&Options::display_htpasswd_form>(), "true",
             "with --htpasswd-file, a user name and password form on the sign-in page"},
    FlagSpec{"client-certificate-headers", "client_certificate_headers", each<parse::add_certificate_source, &Options::client_certificate_headers>(), "",
             "take identity from the client certificate a --trusted-proxy-ip proxy verified: ingress-nginx "
             "(ssl-client-* headers) or envoy (x-forwarded-client-cert), mapped to users by --policy-file", Compat::gatehouse},
    FlagSpec{"bearer-token-login-fallback", "bearer_token_login_fallback", boolean<&Options::bearer_token_login_fallback>(), "true",
             "after an invalid bearer token, try the session cookie (false: 403)"},
    FlagSpec{"policy-file", "policy_file", text<&Options::policy_file>(), "",
             "YAML rules per host and path (see gatehouse policy check); re-read when it changes", Compat::gatehouse},
    FlagSpec{"whitelist-domain", "whitelist_domains", list<&Options::whitelist_domains>(), "",
             "domains allowed as redirect targets after sign-in (.example.com for subdomains)"},
    // Forward-auth answer
    FlagSpec{"set-xauthrequest", "set_xauthrequest", boolean<&Options::set_xauthrequest>(), "false",
             "put X-Auth-Request-User/-Email/-Groups/-Preferred-Username on the auth answer"},
    FlagSpec{"pass-access-token", "pass_access_token", boolean<&Options::pass_access_token>(), "false",
             "with --set-xauthrequest, also X-Auth-Request-Access-Token"},
    FlagSpec{"set-authorization-header", "set_authorization_header", boolean<&Options::set_authorization_header>(), "false",
             "put Authorization: Bearer <ID token> on the auth answer (and on proxied answers)"},
    FlagSpec{"set-basic-auth", "set_basic_auth", boolean<&Options::set_basic_auth>(), "false",
             "put Authorization: Basic <user:--basic-auth-password> on the auth answer (and on proxied answers)"},
    FlagSpec{"reverse-proxy", "reverse_proxy", boolean<&Options::reverse_proxy>(), "false",
             "trust X-Forwarded-*, X-Original-URL and X-Real-IP from the proxy in front"},
    FlagSpec{"original-request-headers", "original_request_headers", parsed<parse::original_request_headers, &Options::original_request_headers>(), "x-original",
             "where /oauth2/auth reads the original request: x-original (X-Original-URL and X-Original-Method: nginx, "
             "ingress-nginx) or x-forwarded (X-Forwarded-Method/-Proto/-Host/-Uri: Traefik's ingress-nginx provider)", Compat::gatehouse},
    FlagSpec{"trusted-proxy-ip", "trusted_proxy_ips", each<parse::add_ip_range, &Options::trusted_ips>(), "",
             "with --reverse-proxy: only these proxies (IP or CIDR) may send forwarded headers (default: any peer)"},
    FlagSpec{"trusted-ip", "trusted_ips", each<parse::add_ip_range, &Options::trusted_ips_given_as_trusted_ip>(), "",
             "read as --trusted-proxy-ip; unlike oauth2-proxy's, these addresses never skip sign-in", Compat::differs},
    FlagSpec{"real-client-ip-header", "real_client_ip_header", parsed<parse::client_ip_header, &Options::real_client_ip_header>(), "X-Real-IP",
             "header naming the client's address behind a trusted proxy, for logs: X-Real-IP, X-Forwarded-For or "
             "X-ProxyUser-IP"},
    FlagSpec{"upstream", "upstreams", each<parse::add_upstream, &Options::upstreams>(), "",
             "where allowed requests go, by longest path prefix: http(s)://host:port/path (reverse-proxy mode) or "
             "static://CODE; forward-auth deployments use static://200", Compat::differs},
    FlagSpec{"pass-user-headers", "pass_user_headers", boolean<&Options::pass_user_headers>(), "true",
             "reverse-proxy mode: X-Forwarded-User, -Email, -Groups, -Preferred-Username to the upstream", Compat::differs},
    FlagSpec{"pass-authorization-header", "pass_authorization_header", boolean<&Options::pass_authorization_header>(), "false",
             "reverse-proxy mode: Authorization: Bearer <ID token> to the upstream", Compat::differs},
    FlagSpec{"pass-basic-auth", "pass_basic_auth", boolean<&Options::pass_basic_auth>(), "true",
             "reverse-proxy mode: Authorization: Basic <user:--basic-auth-password>, X-Forwarded-User and -Email to "
             "the upstream (--pass-authorization-header wins)", Compat::differs},
    FlagSpec{"basic-auth-password", "basic_auth_password", secret<&Options::basic_auth_password>(), "",
             "the password in the Basic credentials of --pass-basic-auth and --set-basic-auth", Compat::differs},
    FlagSpec{"prefer-email-to-user", "prefer_email_to_user", boolean<&Options::prefer_email_to_user>(), "false",
             "reverse-proxy mode: the e-mail (when known) as the user in X-Forwarded-User and Basic credentials", Compat::differs},
    FlagSpec{"pass-host-header", "pass_host_header", boolean<&Options::pass_host_header>(), "true",
             "reverse-proxy mode: the client's Host to the upstream (false: the upstream's host)", Compat::differs},
    FlagSpec{"ssl-upstream-insecure-skip-verify", "ssl_upstream_insecure_skip_verify", boolean<&Options::ssl_upstream_insecure_skip_verify>(), "false",
             "reverse-proxy mode: accept any certificate from https:// upstreams (never in production)", Compat::differs},
    FlagSpec{"upstream-timeout", "upstream_timeout", parsed<parse::positive_duration<std::chrono::milliseconds>, &Options::upstream_timeout>(FlagType::duration), "30s",
             "reverse-proxy mode: longest wait to connect to the upstream and for each of its reads and writes", Compat::differs},
    // Server
    FlagSpec{"http-address", "http_address", parsed<parse::listen_address, &Options::http_address>(), "0.0.0.0:4180", "address to serve HTTP on", Compat::differs},
    FlagSpec{"metrics-address", "metrics_address", parsed<parse::optional_listen_address, &Options::metrics_address>(), "",
             "address to serve Prometheus metrics on (/metrics), apart from the auth traffic (off when empty)"},
    FlagSpec{"https-address", "https_address", parsed<parse::optional_listen_address, &Options::https_address>(), "", "address to serve HTTPS on (off when empty)", Compat::differs},
    FlagSpec{"tls-cert-file", "tls_cert_file", text<&Options::tls_cert_file>(), "", "TLS certificate (PEM) for --https-address"},
    FlagSpec{"tls-key-file", "tls_key_file", text<&Options::tls_key_file>(), "", "TLS private key (PEM) for --https-address"},
    FlagSpec{"proxy-prefix", "proxy_prefix", parsed<parse::prefix_path, &Options::proxy_prefix>(), "/oauth2", "URL prefix of the oauth2 endpoints"},
    FlagSpec{"ping-path", "ping_path", parsed<parse::absolute_path, &Options::ping_path>(), "/ping", "liveness endpoint"},
    FlagSpec{"ready-path", "ready_path", parsed<parse::absolute_path, &Options::ready_path>(), "/ready", "readiness endpoint"},
    FlagSpec{"workers", "workers", integer<0, 256, &Options::workers>(), "0",
             "I/O threads (0: one per CPU the process may use: its affinity, capped by its cgroup CPU quota)", Compat::gatehouse},
    FlagSpec{"max-header-bytes", "max_header_bytes", integer<1024, 1 << 20, &Options::max_header_bytes>(), "32768",
             "largest block of request header fields accepted, the request line not counted (431 beyond)", Compat::gatehouse},
    FlagSpec{"max-header-count", "max_header_count", integer<8, 10000, &Options::max_header_count>(), "100", "most request header fields accepted", Compat::gatehouse},
    FlagSpec{"max-url-length", "max_url_length", integer<256, 1 << 20, &Options::max_url_length>(), "8192", "longest request URL accepted (414 beyond; a longer ext_authz CheckRequest URL is denied 400)", Compat::gatehouse},
    FlagSpec{"max-connections", "max_connections", integer<1, 1 << 22, &Options::max_connections>(), "16384",
             "most open client connections over all I/O threads (503 and close beyond)", Compat::gatehouse},
    FlagSpec{"header-read-timeout", "header_read_timeout", duration<&Options::header_read_timeout>(), "10s",
             "time allowed to receive a request's headers once it started", Compat::gatehouse},
    FlagSpec{"idle-timeout", "idle_timeout", duration<&Options::idle_timeout>(), "120s", "keep-alive connection idle timeout", Compat::gatehouse},
    FlagSpec{"shutdown-timeout", "shutdown_timeout", duration<&Options::shutdown_timeout>(), "10s",
             "how long SIGTERM waits for in-flight requests", Compat::gatehouse},
    FlagSpec{"grpc-address", "grpc_address", parsed<parse::optional_listen_text, &Options::grpc_address>(), "",
             "host:port for Envoy ext_authz over gRPC (Contour, Istio, Envoy Gateway) and grpc.health.v1; the same as --http-address: one port for both; empty: off", Compat::gatehouse},
    FlagSpec{"grpc-tls", "grpc_tls", boolean<&Options::grpc_tls>(), "false", "serve gRPC over TLS with --tls-cert-file/--tls-key-file (else h2c)", Compat::gatehouse},
    FlagSpec{"grpc-max-concurrent-streams", "grpc_max_concurrent_streams", integer<1, 10000, &Options::grpc_max_concurrent_streams>(), "100",
             "most calls in flight on one gRPC connection (HTTP/2 SETTINGS; more wait for a free stream)", Compat::gatehouse},
    FlagSpec{"grpc-max-message-bytes", "grpc_max_message_bytes", integer<1024, 1 << 30, &Options::grpc_max_message_bytes>(), "4194304",
             "largest gRPC request message accepted (RESOURCE_EXHAUSTED beyond)", Compat::gatehouse},
    FlagSpec{"grpc-max-connection-age", "grpc_max_connection_age", parsed<parse::at_least_a_second, &Options::grpc_max_connection_age>(FlagType::duration), "30m",
             "a gRPC connection is asked to close (GOAWAY) after this long; its calls get --shutdown-timeout to end", Compat::gatehouse},
    // Logs
    FlagSpec{"logging-format", "logging_format", parsed<parse::logging_format, &Options::logs, &observe::LogSettings::json>(), "text",
             "text (oauth2-proxy's line formats) or json (one object per line)", Compat::gatehouse},
    FlagSpec{"standard-logging", "standard_logging", boolean<&Options::logs, &observe::LogSettings::standard>(), "true",
             "log start-up, IdP and session-store events (false: warnings and errors only)", Compat::differs},
    FlagSpec{"standard-logging-format", "standard_logging_format", parsed<parse::standard_log_format, &Options::logs, &observe::LogSettings::standard_format>(), "[{{.Timestamp}}] [{{.File}}] {{.Message}}",
             "template of standard lines; fields Timestamp, File (the level), Message", Compat::differs},
    FlagSpec{"request-logging", "request_logging", boolean<&Options::logs, &observe::LogSettings::request>(), "true", "log one line per answered request"},
    FlagSpec{"request-logging-format", "request_logging_format", parsed<parse::request_log_format, &Options::logs, &observe::LogSettings::request_format>(), "{{.Client}} - {{.RequestID}} - {{.Username}} [{{.Timestamp}}] {{.Host}} {{.RequestMethod}} {{.Upstream}} "
             "{{.RequestURI}} {{.Protocol}} {{.UserAgent}} {{.StatusCode}} {{.ResponseSize}} {{.RequestDuration}}",
             "template of request lines (oauth2-proxy's fields)"},
    FlagSpec{"auth-logging", "auth_logging", boolean<&Options::logs, &observe::LogSettings::auth>(), "true", "log refusals with their reason, sign-ins and sign-in failures", Compat::differs},
    FlagSpec{"auth-logging-format", "auth_logging_format", parsed<parse::auth_log_format, &Options::logs, &observe::LogSettings::auth_format>(), "{{.Client}} - {{.RequestID}} - {{.Username}} [{{.Timestamp}}] [{{.Status}}] {{.Message}}",
             "template of auth lines; fields Client, RequestID, Username, Timestamp, Status, Message"},
    FlagSpec{"silence-ping-logging", "silence_ping_logging", boolean<&Options::silence_ping_logging>(), "false",
             "no request lines for --ping-path and --ready-path health checks"},
    FlagSpec{"exclude-logging-path", "exclude_logging_paths", each<parse::add_absolute_path, &Options::exclude_logging_paths>(), "", "paths that get no request line"},
    FlagSpec{"logging-local-time", "logging_local_time", boolean<&Options::logs, &observe::LogSettings::local_time>(), "true", "text timestamps in local time (else UTC)"},
    FlagSpec{"ping-user-agent", "ping_user_agent", text<&Options::ping_user_agent>(), "",
             "oauth2-proxy's health-check User-Agent, accepted for compatibility: it is answered as a ping on --ping-path only "
             "(on any other path it would let a client skip the decision: oauth2-proxy CVE-2026-34457)"},
    FlagSpec{"config", "config", text<&Options::config_file>(), "", "cfg file in oauth2-proxy's format"},
    FlagSpec{"alpha-config", "alpha_config", text<&Options::alpha_config_file>(), "",
             "oauth2-proxy's alpha configuration (YAML): its upstreams, injected headers, provider and server replace "
             "those flags, which may then not be given"},
};

}  // namespace

std::string to_cfg_key(std::string_view name) {
    std::string key(name);
    std::replace(key.begin(), key.end(), '-', '_');
    return key;
}

std::span<const FlagSpec> flag_table() { return kFlags; }

std::size_t row_index(const FlagSpec& flag) { return static_cast<std::size_t>(&flag - kFlags.data()); }

const FlagSpec* find_flag(std::string_view name) {
    for (const auto& f : kFlags)
        if (f.name == name || (!f.alias.empty() && f.alias == name)) return &f;
    return nullptr;
}

const FlagSpec* find_flag_by_cfg_key(std::string_view key) {
    for (const auto& f : kFlags)
        if (f.cfg_key == key) return &f;
    return nullptr;
}

std::vector<std::string> other_setting_keys(const FlagSpec& flag) {
    std::vector<std::string> keys;
    if (flag.type() != FlagType::list) return keys;
    // oauth2-proxy's rule is "the flag's name with underscores, plural for lists"; its releases did not always
    // keep it (google_group), so both numbers of the name are read.
    std::string singular = to_cfg_key(flag.name);
    if (singular.ends_with('s')) singular.pop_back();
    for (std::string key : {singular, singular + "s"})
        if (key != flag.cfg_key) keys.push_back(std::move(key));
    return keys;
}

const FlagSpec* find_flag_by_setting_key(std::string_view key) {
    if (const auto* f = find_flag_by_cfg_key(key)) return f;
    for (const auto& f : kFlags)
        for (const auto& other : other_setting_keys(f))
            if (other == key) return &f;
    return nullptr;
}

bool flag_only(const FlagSpec& flag) { return flag.name == "config" || flag.name == "alpha-config"; }

std::string env_name(const FlagSpec& flag) {
    std::string name = "OAUTH2_PROXY_";
    for (char c : flag.cfg_key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

}  // namespace gh::options
