#include "options/parse_options.hpp"

#include <boost/beast/core/string.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <variant>

#include "authz/policy.hpp"
#include "authz/skip_routes.hpp"
#include "crypto/rsa_signer.hpp"
#include "redis/endpoint.hpp"
#include "options/value_parsers.hpp"

namespace gh::options {
namespace {

// Converts raw strings to typed values, recording one error line per bad flag.
class Builder {
public:
    explicit Builder(const RawConfig& raw) : raw_(raw) {}

    std::vector<std::string> errors;

    std::string text(std::string_view flag) const {
        const auto& v = raw_.get(flag);
        return v.values.empty() ? std::string{} : v.values.front();
    }
    std::vector<std::string> list(std::string_view flag) const { return raw_.get(flag).values; }
    bool given(std::string_view flag) const { return raw_.get(flag).source != Source::default_value; }
    const std::string& origin(std::string_view flag) const { return raw_.get(flag).origin; }

    void fail(std::string_view flag, const std::string& problem) { errors.push_back(origin(flag) + ": " + problem); }

    bool boolean(std::string_view flag) {
        const auto v = parse_bool(text(flag));
        if (!v) fail(flag, "'" + text(flag) + "' is not a boolean (true or false)");
        return v.value_or(false);
    }
    std::chrono::milliseconds duration(std::string_view flag) {
        const auto v = parse_duration(text(flag));
        if (!v) fail(flag, "'" + text(flag) + "' is not a duration (e.g. 168h, 1h30m, 15s)");
        return v.value_or(std::chrono::milliseconds{0});
    }
    std::int64_t integer(std::string_view flag, std::int64_t min, std::int64_t max) {
        const auto v = parse_integer(text(flag));
        if (!v || *v < min || *v > max) {
            fail(flag, "'" + text(flag) + "' must be a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max));
            return min;
        }
        return *v;
    }

private:
    const RawConfig& raw_;
};

// One --upstream: static://CODE[/path] or http://host[:port][/path] (the path is the route, as in oauth2-proxy:
// requests under it go there, their own path unchanged). An error message instead when it is neither.
std::variant<Options::Upstream, std::string> parse_upstream(const std::string& text) {
    using Upstream = Options::Upstream;
    Upstream u;
    u.text = text;
    std::string_view rest = text;
    if (rest.starts_with("static://")) {
        rest.remove_prefix(9);
        const auto slash = rest.find('/');
        const auto code = parse_integer(rest.substr(0, slash));
        if (!code || *code < 100 || *code > 599) return "'" + text + "' needs an HTTP status code (static://200)";
        u.status = static_cast<int>(*code);
        if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
        return u;
    }
    if (rest.starts_with("file://")) {
        // As oauth2-proxy: file:///dir#/path serves dir's files under /path; without a fragment, under /dir.
        rest.remove_prefix(7);
        const auto hash = rest.find('#');
        u.directory = std::string(rest.substr(0, hash));
        u.path = hash == std::string_view::npos ? u.directory : std::string(rest.substr(hash + 1));
        if (!u.directory.starts_with('/')) return "'" + text + "' needs an absolute directory (file:///srv/www#/path)";
        if (!u.path.starts_with('/')) return "'" + text + "': the path after # must start with /";
        std::error_code ec;
        if (!std::filesystem::is_directory(u.directory, ec)) return "'" + text + "': " + u.directory + " is not a directory";
        u.kind = Upstream::Kind::file;
        return u;
    }
    if (rest.starts_with("https://")) {
        u.tls = true;
        u.port = 443;
        rest.remove_prefix(8);
    } else if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
    } else {
        return "'" + text + "' must be http(s)://host:port/path or static://CODE";
    }
    if (rest.find_first_of("?#") != std::string_view::npos)
        return "'" + text + "': an upstream URL has no query or fragment";
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
    u.kind = Upstream::Kind::http;
    std::string_view port;
    if (authority.starts_with('[')) {  // [::1]:8080
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return "'" + text + "' has an unclosed [IPv6 address]";
        u.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return "'" + text + "' has a malformed address";
            port = authority.substr(close + 2);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        u.host = std::string(authority.substr(0, colon));
        port = authority.substr(colon + 1);
    } else {
        u.host = std::string(authority);
    }
    if (u.host.empty() || u.host.find('@') != std::string::npos) return "'" + text + "' needs a host (and no user)";
    if (!port.empty()) {
        const auto p = parse_integer(port);
        if (!p || *p < 1 || *p > 65535) return "'" + text + "' has a bad port";
        u.port = static_cast<std::uint16_t>(*p);
    }
    return u;
}

// A secret given inline or as a file (--X or --X-file, not both); the file's trailing newline is not part of
// it. Empty when missing or unreadable (the error is recorded).
std::string secret_value(Builder& b, const FileReader& read_file, std::string_view flag, bool required) {
    const std::string file_flag = std::string(flag) + "-file";
    const std::string file = b.text(file_flag);
    if (b.given(flag) && !file.empty()) {
        b.fail(file_flag, "give either --" + std::string(flag) + " or --" + file_flag + ", not both");
        return {};
    }
    if (file.empty()) {
        std::string value = b.text(flag);
        if (value.empty() && required) b.fail(flag, "missing (or use --" + file_flag + ")");
        return value;
    }
    auto content = read_file(file);
    if (!content) {
        b.fail(file_flag, "cannot read " + file);
        return {};
    }
    while (!content->empty() && (content->back() == '\n' || content->back() == '\r')) content->pop_back();
    if (content->empty()) b.fail(file_flag, file + " is empty");
    return *content;
}

// --provider=google's groups: the service account's key (checked now, so a bad file stops the start, not a login).
void build_google(Builder& b, Options& o, const FileReader& read_file, bool google) {
    o.google_groups = b.list("google-group");
    o.google_admin_email = b.text("google-admin-email");
    o.google_directory_url = b.text("google-directory-url");
    const std::string key_file = b.text("google-service-account-json");
    for (auto flag : {"google-group", "google-admin-email", "google-service-account-json", "google-directory-url"})
        if (!google && b.given(flag)) b.fail(flag, "only applies to --provider=google");
    if (!google) return;
    if (!parse_http_url(o.google_directory_url))
        b.fail("google-directory-url", "'" + o.google_directory_url + "' is not an http(s) URL");
    const bool wants_groups = !o.google_groups.empty() || !o.google_admin_email.empty() || !key_file.empty();
    if (!wants_groups) return;
    if (o.google_admin_email.empty())
        b.fail("google-admin-email", "missing (the Directory API is read as a Workspace administrator)");
    if (key_file.empty()) {
        b.fail("google-service-account-json", "missing (groups are read with a service account's key)");
        return;
    }
    const auto content = read_file(key_file);
    if (!content) {
        b.fail("google-service-account-json", "cannot read " + key_file);
        return;
    }
    const auto key = nlohmann::json::parse(*content, nullptr, false);
    const auto field = [&](const char* name) {
        const auto it = key.is_object() ? key.find(name) : key.end();
        return key.is_object() && it != key.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    Options::GoogleServiceAccount account{field("client_email"), field("private_key_id"), Secret(field("private_key")),
                                          field("token_uri")};
    if (account.token_uri.empty()) account.token_uri = "https://oauth2.googleapis.com/token";
    if (!key.is_object() || field("type") != "service_account" || account.client_email.empty())
        b.fail("google-service-account-json", key_file + " is not a service account's JSON key");
    else if (!crypto::RsaSigner::from_pem(account.private_key.reveal()))
        b.fail("google-service-account-json", key_file + " holds no usable RSA private_key");
    else if (!parse_http_url(account.token_uri))
        b.fail("google-service-account-json", key_file + ": token_uri is not an http(s) URL");
    else
        o.google_service_account = std::move(account);
}

void build_provider(Builder& b, Options& o, const FileReader& read_file) {
    o.provider = b.text("provider");
    if (o.provider == "keycloak-oidc") {
        o.provider = "oidc";
        o.keycloak = true;
    }
    const bool github = o.provider == "github", gitlab = o.provider == "gitlab", entra = o.entra_id(),
               google = o.provider == "google";
    if (o.provider != "oidc" && !github && !gitlab && !entra && !google) {
        b.fail("provider", "unknown provider '" + o.provider + "' (expected oidc, keycloak-oidc, google, github, gitlab, azure or entra-id)");
    }
    o.github_org = b.text("github-org");
    o.github_teams = b.list("github-team");
    o.github_users = b.list("github-user");
    o.gitlab_groups = b.list("gitlab-group");
    for (auto flag : {"github-org", "github-team", "github-user", "validate-url"})
        if (!github && b.given(flag)) b.fail(flag, "only applies to --provider=github");
    if (!gitlab && b.given("gitlab-group")) b.fail("gitlab-group", "only applies to --provider=gitlab");
    o.azure_tenant = b.text("azure-tenant");
    o.azure_graph_url = b.text("azure-graph-url");
    for (auto flag : {"azure-tenant", "azure-graph-url"})
        if (!entra && b.given(flag)) b.fail(flag, "only applies to --provider=azure or entra-id");
    if (entra && (o.azure_tenant.empty() || o.azure_tenant.find_first_of("/?#:") != std::string::npos))
        b.fail("azure-tenant", "'" + o.azure_tenant + "' is not a tenant ID or domain");
    if (entra && !parse_http_url(o.azure_graph_url))
        b.fail("azure-graph-url", "'" + o.azure_graph_url + "' is not an http(s) URL");
    if (!o.github_teams.empty() && o.github_org.empty()) b.fail("github-team", "needs --github-org (teams are within it)");
    o.oidc_issuer_url = b.text("oidc-issuer-url");
    if (gitlab && o.oidc_issuer_url.empty()) o.oidc_issuer_url = "https://gitlab.com";  // or a self-hosted GitLab
    build_google(b, o, read_file, google);
    if (google && o.oidc_issuer_url.empty()) o.oidc_issuer_url = "https://accounts.google.com";
    if (entra && o.oidc_issuer_url.empty())
        o.oidc_issuer_url = "https://login.microsoftonline.com/" + o.azure_tenant + "/v2.0";
    if (github) {
        // GitHub is plain OAuth 2.0: fixed endpoints (or GitHub Enterprise's, given), no discovery, no ID token.
        if (!o.oidc_issuer_url.empty()) b.fail("oidc-issuer-url", "not used by --provider=github (GitHub is not OpenID Connect)");
        o.oidc_issuer_url = "https://github.com";
        o.validate_url = b.given("validate-url") ? b.text("validate-url") : "https://api.github.com/";
        if (!parse_http_url(o.validate_url)) b.fail("validate-url", "'" + o.validate_url + "' is not an http(s) URL");
    } else if (o.oidc_issuer_url.empty()) b.fail("oidc-issuer-url", "missing (required by --provider=oidc)");
    else if (!parse_http_url(o.oidc_issuer_url))
        b.fail("oidc-issuer-url", "'" + o.oidc_issuer_url + "' is not an http(s) URL");
    o.client_id = b.text("client-id");
    if (o.client_id.empty()) b.fail("client-id", "missing");
    o.client_secret = Secret(secret_value(b, read_file, "client-secret", true));
    o.oidc_groups_claim = b.text("oidc-groups-claim");
    o.oidc_email_claim = b.text("oidc-email-claim");
    o.scope = b.text("scope");
    if (github && !b.given("scope")) o.scope = o.github_org.empty() ? "user:email" : "user:email read:org";
    else if (!github && o.scope.find("openid") == std::string::npos) b.fail("scope", "must include openid");
    o.redirect_url = b.text("redirect-url");
    if (!o.redirect_url.empty() && !parse_http_url(o.redirect_url))
        b.fail("redirect-url", "'" + o.redirect_url + "' is not an http(s) URL");
    o.skip_oidc_discovery = b.boolean("skip-oidc-discovery");
    for (auto [flag, field] : {std::pair{"login-url", &o.login_url}, std::pair{"redeem-url", &o.redeem_url},
                               std::pair{"oidc-jwks-url", &o.oidc_jwks_url},
                               std::pair{"backend-logout-url", &o.backend_logout_url}}) {
        *field = b.text(flag);
        if (github && field->empty() && std::string_view(flag) == "login-url")
            *field = "https://github.com/login/oauth/authorize";
        if (github && field->empty() && std::string_view(flag) == "redeem-url")
            *field = "https://github.com/login/oauth/access_token";
        if (!field->empty() && !parse_http_url(*field)) b.fail(flag, "'" + *field + "' is not an http(s) URL");
        else if (field->empty() && o.skip_oidc_discovery && std::string_view(flag) != "backend-logout-url")
            b.fail(flag, "missing (required by --skip-oidc-discovery)");
    }
    o.oidc_extra_audiences = b.list("oidc-extra-audience");
    o.allow_unverified_email = b.boolean("insecure-oidc-allow-unverified-email");
    o.skip_issuer_verification = b.boolean("insecure-oidc-skip-issuer-verification");
    o.code_challenge_method = b.text("code-challenge-method");
    if (o.code_challenge_method != "S256" && o.code_challenge_method != "plain")
        b.fail("code-challenge-method", "'" + o.code_challenge_method + "' must be S256 or plain");
    o.prompt = b.text("prompt");
    const std::string approval = b.text("approval-prompt");
    if (approval != "auto" && approval != "force") b.fail("approval-prompt", "'" + approval + "' must be auto or force");
    else if (approval == "force" && o.prompt.empty()) o.prompt = "consent";
    o.oidc_audience_claims = b.list("oidc-audience-claim");
    o.provider_ca_files = b.list("provider-ca-file");
    o.ssl_insecure_skip_verify = b.boolean("ssl-insecure-skip-verify");
    o.skip_provider_button = b.boolean("skip-provider-button");
}

// The password part of a URL never reaches an error message.
std::string redis_url_for_message(std::string_view url) {
    const auto scheme_end = url.find("://");
    const auto at = url.rfind('@');
    if (scheme_end == std::string_view::npos || at == std::string_view::npos || at < scheme_end) return std::string(url);
    return std::string(url.substr(0, scheme_end + 3)) + "***@" + std::string(url.substr(at + 1));
}

void check_redis_urls(Builder& b, std::string_view flag, const std::vector<std::string>& urls) {
    for (const auto& url : urls) {
        std::string why;
        if (!redis::parse_endpoint(url, why)) b.fail(flag, "'" + redis_url_for_message(url) + "' " + why);
    }
}

void build_redis(Builder& b, RedisOptions& r) {
    r.connection_url = b.text("redis-connection-url");
    r.username = b.text("redis-username");
    r.password = Secret(b.text("redis-password"));
    r.use_sentinel = b.boolean("redis-use-sentinel");
    r.sentinel_master_name = b.text("redis-sentinel-master-name");
    r.sentinel_urls = b.list("redis-sentinel-connection-urls");
    r.sentinel_password = Secret(b.text("redis-sentinel-password"));
    r.use_cluster = b.boolean("redis-use-cluster");
    r.cluster_urls = b.list("redis-cluster-connection-urls");
    r.ca_path = b.text("redis-ca-path");
    r.insecure_skip_tls_verify = b.boolean("redis-insecure-skip-tls-verify");
    r.idle_timeout = std::chrono::seconds(b.integer("redis-connection-idle-timeout", 0, 86400));
    r.timeout = b.duration("redis-timeout");
    if (r.timeout.count() <= 0) b.fail("redis-timeout", "must be positive");
    if (r.use_sentinel && r.use_cluster)
        b.fail("redis-use-cluster", "cannot be combined with --redis-use-sentinel");
    if (r.use_sentinel) {
        if (r.sentinel_master_name.empty()) b.fail("redis-sentinel-master-name", "missing (required by --redis-use-sentinel)");
        if (r.sentinel_urls.empty())
            b.fail("redis-sentinel-connection-urls", "missing (required by --redis-use-sentinel)");
        check_redis_urls(b, "redis-sentinel-connection-urls", r.sentinel_urls);
    } else if (r.use_cluster) {
        if (r.cluster_urls.empty()) b.fail("redis-cluster-connection-urls", "missing (required by --redis-use-cluster)");
        check_redis_urls(b, "redis-cluster-connection-urls", r.cluster_urls);
    } else if (r.connection_url.empty()) {
        b.fail("redis-connection-url", "missing (required by --session-store-type=redis)");
    }
    if (!r.connection_url.empty()) check_redis_urls(b, "redis-connection-url", {r.connection_url});
}

// Never echoes the value: only its length.
std::optional<Secret> cookie_secret_of(Builder& b, std::string_view flag, const std::string& value) {
    if (auto bytes = parse_cookie_secret(value)) return Secret(std::string(bytes->begin(), bytes->end()));
    b.fail(flag, "must be 16, 24 or 32 bytes, raw or base64 (got " + std::to_string(value.size()) + " characters)");
    return std::nullopt;
}

void build_cookies(Builder& b, Options& o, const FileReader& read_file) {
    const std::size_t errors_before_secret = b.errors.size();
    const std::string secret = secret_value(b, read_file, "cookie-secret", true);
    if (!secret.empty() && b.errors.size() == errors_before_secret) {
        if (auto s = cookie_secret_of(b, b.text("cookie-secret-file").empty() ? "cookie-secret" : "cookie-secret-file",
                                      secret))
            o.cookie_secret = *s;
    }
    for (const auto& previous : b.list("cookie-secret-previous"))
        if (auto s = cookie_secret_of(b, "cookie-secret-previous", previous)) o.previous_cookie_secrets.push_back(*s);
    o.cookie_name = b.text("cookie-name");
    for (char c : o.cookie_name)
        if (static_cast<unsigned char>(c) <= ' ' || std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos) {
            b.fail("cookie-name", "'" + o.cookie_name + "' is not a valid cookie name");
            break;
        }
    o.cookie_domains = b.list("cookie-domain");
    o.cookie_path = b.text("cookie-path");
    if (!o.cookie_path.starts_with('/')) b.fail("cookie-path", "must start with /");
    const std::size_t errors_before = b.errors.size();
    o.cookie_expire = std::chrono::duration_cast<std::chrono::seconds>(b.duration("cookie-expire"));
    if (b.errors.size() == errors_before && o.cookie_expire.count() <= 0) b.fail("cookie-expire", "must be positive");
    o.cookie_refresh = std::chrono::duration_cast<std::chrono::seconds>(b.duration("cookie-refresh"));
    o.cookie_csrf_expire = std::chrono::duration_cast<std::chrono::seconds>(b.duration("cookie-csrf-expire"));
    o.cookie_csrf_per_request = b.boolean("cookie-csrf-per-request");
    if (o.cookie_refresh.count() > 0 && o.cookie_refresh >= o.cookie_expire)
        b.fail("cookie-refresh", "must be shorter than --cookie-expire");
    o.cookie_secure = b.boolean("cookie-secure");
    o.cookie_httponly = b.boolean("cookie-httponly");
    const std::string samesite = b.text("cookie-samesite");
    if (samesite.empty()) o.cookie_samesite = session::SameSite::unset;
    else if (samesite == "lax") o.cookie_samesite = session::SameSite::lax;
    else if (samesite == "strict") o.cookie_samesite = session::SameSite::strict;
    else if (samesite == "none") o.cookie_samesite = session::SameSite::none;
    else b.fail("cookie-samesite", "'" + samesite + "' must be lax, strict, none or empty");
    o.session_store_type = b.text("session-store-type");
    o.session_cache_ttl = b.duration("session-cache-ttl");
    if (o.session_store_type == "redis")
        build_redis(b, o.redis);
    else if (o.session_store_type != "cookie")
        b.fail("session-store-type", "'" + o.session_store_type + "' must be cookie or redis");
}

// --trusted-proxy-ip is oauth2-proxy's (7.15) name for the proxies whose forwarded headers count. oauth2-proxy's
// --trusted-ip lets addresses skip sign-in, which Gatehouse never does; given here it is read as a proxy list,
// so a migrated setting fails closed (users sign in) instead of opening a hole, and a warning says so.
void build_trust(Builder& b, Options& o) {
    for (const char* flag : {"trusted-proxy-ip", "trusted-ip"}) {
        for (const auto& text : b.list(flag)) {
            if (auto range = http::IpRange::parse(text)) o.trusted_ips.push_back(*range);
            else b.fail(flag, "'" + text + "' is not an IP address or CIDR range (10.0.0.0/8, fd00::/8)");
        }
        if (!b.list(flag).empty() && !o.reverse_proxy)
            b.fail(flag, "needs --reverse-proxy: it lists the proxies whose forwarded headers are trusted");
    }
    if (!b.list("trusted-ip").empty())
        o.warnings.push_back("--trusted-ip is read as --trusted-proxy-ip (proxies whose forwarded headers are "
                             "trusted); unlike oauth2-proxy, Gatehouse lets no address skip sign-in");
    if (o.reverse_proxy && o.trusted_ips.empty())
        o.warnings.push_back("--reverse-proxy without --trusted-proxy-ip believes forwarded headers from any peer; "
                             "list your proxies' addresses so that nobody else can speak for a client");
    const std::string headers = b.text("original-request-headers");
    if (headers == "x-forwarded") o.original_request_headers = Options::OriginalRequestHeaders::x_forwarded;
    else if (headers != "x-original")
        b.fail("original-request-headers", "'" + headers + "' must be x-original (nginx, ingress-nginx) or x-forwarded "
                                           "(Traefik's ingress-nginx provider)");
    const std::string header = b.text("real-client-ip-header");
    for (const char* known : {"X-Real-IP", "X-Forwarded-For", "X-ProxyUser-IP"})
        if (boost::beast::iequals(header, known)) o.real_client_ip_header = known;
    if (o.real_client_ip_header.empty())
        b.fail("real-client-ip-header", "'" + header + "' must be X-Real-IP, X-Forwarded-For or X-ProxyUser-IP");
}

void build_logs(Builder& b, Options& o) {
    const std::string format = b.text("logging-format");
    if (format == "json") o.logs.json = true;
    else if (format != "text") b.fail("logging-format", "'" + format + "' must be text or json");
    o.logs.standard = b.boolean("standard-logging");
    o.logs.request = b.boolean("request-logging");
    o.logs.auth = b.boolean("auth-logging");
    o.logs.local_time = b.boolean("logging-local-time");
    const struct {
        const char* flag;
        std::string* field;
        std::span<const std::string_view> fields;
    } templates[] = {{"standard-logging-format", &o.logs.standard_format, observe::standard_fields()},
                     {"request-logging-format", &o.logs.request_format, observe::request_fields()},
                     {"auth-logging-format", &o.logs.auth_format, observe::auth_fields()}};
    for (const auto& t : templates) {
        *t.field = b.text(t.flag);
        if (const auto problem = observe::check_format(*t.field, t.fields); !problem.empty()) b.fail(t.flag, problem);
    }
    o.silence_ping_logging = b.boolean("silence-ping-logging");
    o.exclude_logging_paths = b.list("exclude-logging-path");
    for (const auto& p : o.exclude_logging_paths)
        if (!p.starts_with('/')) b.fail("exclude-logging-path", "'" + p + "' must start with /");
    o.ping_user_agent = b.text("ping-user-agent");
}

// A certificate header is a claim the proxy makes for the client: only the proxies listed in --trusted-proxy-ip
// may make it (with an empty list --reverse-proxy believes any peer), and only the policy file says who a
// certificate stands for.
void build_client_certificates(Builder& b, Options& o) {
    constexpr const char* flag = "client-certificate-headers";
    for (const auto& source : b.list(flag)) {
        if (source == "ingress-nginx") o.client_certificate_headers.ingress_nginx = true;
        else if (source == "envoy") o.client_certificate_headers.envoy = true;
        else b.fail(flag, "'" + source + "' must be ingress-nginx or envoy");
    }
    if (!o.client_certificate_headers.any()) return;
    if (!o.reverse_proxy || o.trusted_ips.empty())
        b.fail(flag, "needs --reverse-proxy and --trusted-proxy-ip: only the proxies listed there may vouch for a "
                     "client certificate");
    if (o.policy_file.empty())
        b.fail(flag, "needs --policy-file: its client_certificates section says which certificate is which user");
    else if (!o.policy_has_certificates)
        b.fail(flag, o.policy_file + " has no client_certificates section: no certificate would name a user");
}

void build_machines(Builder& b, Options& o) {
    o.skip_jwt_bearer_tokens = b.boolean("skip-jwt-bearer-tokens");
    o.bearer_token_login_fallback = b.boolean("bearer-token-login-fallback");
    for (const auto& pair : b.list("extra-jwt-issuers")) {
        // issuer=audience, split at the first '=' as oauth2-proxy does (an issuer URL has no '=' before its path).
        const auto eq = pair.find('=');
        Options::JwtIssuer issuer;
        if (eq != std::string::npos) issuer = {pair.substr(0, eq), pair.substr(eq + 1)};
        if (issuer.audience.empty() || !(issuer.issuer.starts_with("https://") || issuer.issuer.starts_with("http://")))
            b.fail("extra-jwt-issuers", "'" + pair + "' is not issuer=audience (an http(s) issuer URL and an audience)");
        else
            o.extra_jwt_issuers.push_back(std::move(issuer));
    }
    o.htpasswd_file = b.text("htpasswd-file");
    o.htpasswd_user_groups = b.list("htpasswd-user-group");
    o.display_htpasswd_form = b.boolean("display-htpasswd-form");
    if (!o.extra_jwt_issuers.empty() && !o.skip_jwt_bearer_tokens)
        o.warnings.push_back("--extra-jwt-issuers has no effect without --skip-jwt-bearer-tokens");
    build_client_certificates(b, o);
}

void build_server(Builder& b, Options& o) {
    if (auto a = parse_listen_address(b.text("http-address"))) o.http_address = *a;
    else b.fail("http-address", "'" + b.text("http-address") + "' is not host:port");
    if (const auto https = b.text("https-address"); !https.empty()) {
        if (auto a = parse_listen_address(https)) o.https_address = *a;
        else b.fail("https-address", "'" + https + "' is not host:port");
        o.tls_cert_file = b.text("tls-cert-file");
        o.tls_key_file = b.text("tls-key-file");
        if (o.tls_cert_file.empty()) b.fail("tls-cert-file", "missing (required by --https-address)");
        if (o.tls_key_file.empty()) b.fail("tls-key-file", "missing (required by --https-address)");
    }
    if (const auto metrics = b.text("metrics-address"); !metrics.empty()) {
        if (auto a = parse_listen_address(metrics)) o.metrics_address = *a;
        else b.fail("metrics-address", "'" + metrics + "' is not host:port");
    }
    for (const auto& up : b.list("upstream")) {
        auto parsed = parse_upstream(up);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            b.fail("upstream", *error);
            continue;
        }
        auto& u = std::get<Options::Upstream>(parsed);
        const bool taken = std::any_of(o.upstreams.begin(), o.upstreams.end(), [&](const auto& other) { return other.path == u.path; });
        if (taken) b.fail("upstream", "'" + up + "': another upstream already serves " + u.path);
        else o.upstreams.push_back(std::move(u));
    }
    o.pass_user_headers = b.boolean("pass-user-headers");
    o.pass_authorization_header = b.boolean("pass-authorization-header");
    o.pass_basic_auth = b.boolean("pass-basic-auth");
    o.prefer_email_to_user = b.boolean("prefer-email-to-user");
    o.pass_host_header = b.boolean("pass-host-header");
    o.ssl_upstream_insecure_skip_verify = b.boolean("ssl-upstream-insecure-skip-verify");
    o.upstream_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(b.duration("upstream-timeout"));
    if (o.upstream_timeout.count() <= 0) b.fail("upstream-timeout", "must be positive");
    for (auto [flag, field] : {std::pair{"proxy-prefix", &o.proxy_prefix}, std::pair{"ping-path", &o.ping_path},
                               std::pair{"ready-path", &o.ready_path}}) {
        *field = b.text(flag);
        if (!field->starts_with('/')) b.fail(flag, "must start with /");
    }
    while (o.proxy_prefix.size() > 1 && o.proxy_prefix.ends_with('/')) o.proxy_prefix.pop_back();
    o.provider_display_name = b.text("provider-display-name");
    if (!b.given("provider-display-name") && o.provider == "github") o.provider_display_name = "GitHub";
    if (!b.given("provider-display-name") && o.provider == "gitlab") o.provider_display_name = "GitLab";
    if (!b.given("provider-display-name") && o.entra_id()) o.provider_display_name = "Microsoft";
    if (!b.given("provider-display-name") && o.provider == "google") o.provider_display_name = "Google";
    o.banner = b.text("banner");
    o.footer = b.text("footer");
    o.custom_templates_dir = b.text("custom-templates-dir");
    o.grpc_address = b.text("grpc-address");
    o.grpc_tls = b.boolean("grpc-tls");
    o.grpc_max_concurrent_streams = static_cast<int>(b.integer("grpc-max-concurrent-streams", 1, 10000));
    o.grpc_max_message_bytes = static_cast<std::size_t>(b.integer("grpc-max-message-bytes", 1024, 1 << 30));
    o.grpc_max_connection_age = b.duration("grpc-max-connection-age");
    if (o.grpc_max_connection_age < std::chrono::seconds(1))
        b.fail("grpc-max-connection-age", "must be at least 1s");
    if (!o.grpc_address.empty() && !parse_listen_address(o.grpc_address))
        b.fail("grpc-address", "'" + o.grpc_address + "' is not host:port");
    if (o.grpc_tls && (o.tls_cert_file.empty() || o.tls_key_file.empty())) {
        o.tls_cert_file = b.text("tls-cert-file");
        o.tls_key_file = b.text("tls-key-file");
        if (o.tls_cert_file.empty() || o.tls_key_file.empty())
            b.fail("grpc-tls", "needs --tls-cert-file and --tls-key-file");
    }
    o.workers = static_cast<int>(b.integer("workers", 0, 256));
    o.max_header_bytes = static_cast<std::size_t>(b.integer("max-header-bytes", 1024, 1 << 20));
    o.max_header_count = static_cast<std::size_t>(b.integer("max-header-count", 8, 10000));
    o.max_url_length = static_cast<std::size_t>(b.integer("max-url-length", 256, 1 << 20));
    o.max_connections = static_cast<std::size_t>(b.integer("max-connections", 1, 1 << 22));
    if (o.max_url_length > o.max_header_bytes)
        b.fail("max-url-length", "cannot be longer than --max-header-bytes (the URL is part of the header block)");
    o.header_read_timeout = b.duration("header-read-timeout");
    o.idle_timeout = b.duration("idle-timeout");
    o.shutdown_timeout = b.duration("shutdown-timeout");
}

}  // namespace

ParseOutcome parse_options(const std::vector<std::string>& args, const Environment& env, const FileReader& read_file) {
    ParseOutcome out;
    const RawConfig raw = collect_raw_config(args, env, read_file);
    out.help = raw.help;
    out.version = raw.version;
    out.errors = raw.errors;
    if (out.help || out.version) return out;

    Builder b(raw);
    Options o;
    build_provider(b, o, read_file);
    build_cookies(b, o, read_file);
    o.email_domains = b.list("email-domain");
    o.authenticated_emails_file = b.text("authenticated-emails-file");
    if (o.email_domains.empty() && o.authenticated_emails_file.empty())
        b.fail("email-domain", "missing (use --email-domain=* to allow any, or --authenticated-emails-file)");
    else if (!o.authenticated_emails_file.empty() && !read_file(o.authenticated_emails_file))
        b.fail("authenticated-emails-file", "cannot read " + o.authenticated_emails_file);
    o.allowed_groups = b.list("allowed-group");
    // As oauth2-proxy's keycloak-oidc: a role is a group named role:<role> (role:<client>:<role> for a client's).
    for (const auto& role : b.list("allowed-role")) {
        if (!o.keycloak) {
            b.fail("allowed-role", "only applies to --provider=keycloak-oidc (roles are Keycloak's)");
            break;
        }
        o.allowed_groups.push_back("role:" + role);
    }
    o.skip_auth_routes = b.list("skip-auth-route");
    // A path regex of --skip-auth-regex or --api-route, grouped so that no "GET=" or "!=" inside it reads as a
    // method rule of the path rules they become.
    for (auto [flag, into] : {std::pair{"skip-auth-regex", &o.skip_auth_routes}, std::pair{"api-route", &o.api_routes}})
        for (const auto& regex : b.list(flag)) {
            const std::string grouped = "(?:" + regex + ")";
            try {
                authz::SkipRoutes({grouped}, false);
                into->push_back(grouped);
            } catch (const std::invalid_argument& e) {
                std::string why = e.what();
                why.replace(why.find(grouped), grouped.size(), regex);  // name it as the user wrote it
                b.fail(flag, why);
            }
        }
    o.skip_auth_preflight = b.boolean("skip-auth-preflight");
    o.policy_file = b.text("policy-file");
    if (!o.policy_file.empty()) {
        if (auto text = read_file(o.policy_file); !text) {
            b.fail("policy-file", "cannot read " + o.policy_file);
        } else {
            try {
                o.policy_has_certificates = !authz::Policy::parse(*text).certificates().empty();
            } catch (const std::invalid_argument& e) {
                b.fail("policy-file", o.policy_file + ": " + e.what());
            }
        }
    }
    try {
        authz::SkipRoutes(o.skip_auth_routes, o.skip_auth_preflight);
    } catch (const std::invalid_argument& e) {
        b.fail("skip-auth-route", e.what());
    }
    o.whitelist_domains = b.list("whitelist-domain");
    o.set_xauthrequest = b.boolean("set-xauthrequest");
    o.pass_access_token = b.boolean("pass-access-token");
    o.set_authorization_header = b.boolean("set-authorization-header");
    o.set_basic_auth = b.boolean("set-basic-auth");
    o.basic_auth_password = Secret(b.text("basic-auth-password"));
    o.reverse_proxy = b.boolean("reverse-proxy");
    build_trust(b, o);
    build_machines(b, o);
    build_server(b, o);
    build_logs(b, o);

    out.errors.insert(out.errors.end(), b.errors.begin(), b.errors.end());
    if (out.errors.empty()) out.options = std::move(o);
    return out;
}

std::optional<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace gh::options
