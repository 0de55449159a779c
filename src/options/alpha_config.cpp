#include "options/alpha_config.hpp"

#include <array>

#include "options/alpha_yaml.hpp"

namespace gh::options {
namespace {

// oauth2-proxy's LegacyUpstreams, LegacyHeaders, LegacyServer and LegacyProvider flags, those Gatehouse has.
constexpr auto kReplaced = std::to_array<std::string_view>({
    // upstreams
    "upstream", "pass-host-header", "ssl-upstream-insecure-skip-verify", "upstream-timeout",
    // headers
    "pass-basic-auth", "pass-access-token", "pass-user-headers", "pass-authorization-header", "set-basic-auth",
    "set-xauthrequest", "set-authorization-header", "prefer-email-to-user", "basic-auth-password",
    // server
    "http-address", "https-address", "metrics-address", "tls-cert-file", "tls-key-file",
    // provider
    "provider", "provider-display-name", "provider-ca-file", "client-id", "client-secret", "client-secret-file",
    "oidc-issuer-url", "insecure-oidc-allow-unverified-email", "insecure-oidc-skip-issuer-verification",
    "skip-oidc-discovery", "oidc-jwks-url", "oidc-email-claim", "oidc-groups-claim", "oidc-audience-claim",
    "oidc-extra-audience", "login-url", "redeem-url", "validate-url", "scope", "prompt", "approval-prompt",
    "allowed-group", "allowed-role", "backend-logout-url", "code-challenge-method", "azure-tenant", "github-org",
    "github-team", "github-user", "gitlab-group", "google-group", "google-admin-email", "google-service-account-json",
});

}  // namespace

std::span<const std::string_view> flags_replaced_by_alpha_config() { return kReplaced; }

AlphaConfig read_alpha_config(std::string_view text, const AlphaEnvironment& env, const AlphaFileReader& read_file) {
    AlphaConfig out;
    const std::string substituted = alpha::substitute_env(text, env, out.errors);
    if (!out.errors.empty()) return out;
    YAML::Node doc;
    try {
        doc = YAML::Load(substituted);
    } catch (const YAML::Exception& e) {  // yaml-cpp reports a syntax error only by throwing
        out.errors.push_back("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
        return out;
    }
    alpha::Reader r(out, read_file);
    if (!r.mapping(doc, "(the file)", {"upstreamConfig", "injectRequestHeaders", "injectResponseHeaders", "server",
                                       "metricsServer", "providers"}))
        return out;
    // oauth2-proxy's alpha options start from empty header lists and no upstreams: the legacy defaults
    // (pass-user-headers, pass-basic-auth) do not apply, whichever sections the file has.
    out.request_headers = alpha::field(doc, "injectRequestHeaders")
                              ? alpha::read_headers(r, alpha::field(doc, "injectRequestHeaders"), "injectRequestHeaders", env)
                              : std::vector<identity::InjectedHeader>{};
    out.response_headers = alpha::field(doc, "injectResponseHeaders")
                               ? alpha::read_headers(r, alpha::field(doc, "injectResponseHeaders"), "injectResponseHeaders", env)
                               : std::vector<identity::InjectedHeader>{};
    r.set("pass-user-headers", "false", "injectRequestHeaders");
    r.set("pass-basic-auth", "false", "injectRequestHeaders");
    if (alpha::field(doc, "upstreamConfig")) alpha::read_upstreams(r, alpha::field(doc, "upstreamConfig"), "upstreamConfig");
    alpha::read_server(r, alpha::field(doc, "server"), "server", false);
    if (alpha::field(doc, "metricsServer")) alpha::read_server(r, alpha::field(doc, "metricsServer"), "metricsServer", true);
    if (alpha::field(doc, "providers")) alpha::read_providers(r, alpha::field(doc, "providers"), "providers");
    else r.fail("providers", "missing: the alpha configuration must name exactly one provider");
    return out;
}

namespace alpha {

void read_server(Reader& r, const YAML::Node& node, const std::string& path, bool metrics) {
    if (!node) {
        r.fail(path, "missing: without server.bindAddress oauth2-proxy serves no HTTP, and Gatehouse needs it");
        return;
    }
    if (!r.mapping(node, path, {"bindAddress", "secureBindAddress", "tls"})) return;
    const auto bind = field(node, "bindAddress") ? r.text(field(node, "bindAddress"), child(path, "bindAddress")) : std::nullopt;
    const bool off = !bind || bind->empty() || *bind == "-";
    if (metrics) {
        if (!off) r.set("metrics-address", *bind, child(path, "bindAddress"));
        r.refuse_if_set(node, "secureBindAddress", path, "keep the metrics address on the pod network");
        r.refuse_if_set(node, "tls", path, "keep the metrics address on the pod network");
        return;
    }
    if (off) r.fail(child(path, "bindAddress"), "must be set: Gatehouse always serves HTTP (for /ping and the doors)");
    else r.set("http-address", *bind, child(path, "bindAddress"));
    if (field(node, "secureBindAddress"))
        if (auto secure = r.text(field(node, "secureBindAddress"), child(path, "secureBindAddress")); secure && *secure != "-" && !secure->empty())
            r.set("https-address", *secure, child(path, "secureBindAddress"));
    const YAML::Node tls = field(node, "tls");
    if (!tls) return;
    const std::string tls_path = child(path, "tls");
    if (!r.mapping(tls, tls_path, {"key", "cert", "minVersion", "cipherSuites"})) return;
    // Gatehouse reads the key and certificate from files (and re-reads nothing else): a file source only.
    for (auto [key, flag] : {std::pair{"key", "tls-key-file"}, std::pair{"cert", "tls-cert-file"}}) {
        const YAML::Node source = field(tls, key);
        if (!source) continue;
        const std::string source_path = child(tls_path, key);
        if (!r.mapping(source, source_path, {"value", "fromEnv", "fromFile"})) continue;
        if (!field(source, "fromFile") || source.size() != 1) {
            r.fail(source_path, "only fromFile is supported (Gatehouse reads the TLS key and certificate from files)");
            continue;
        }
        if (auto file = r.text(field(source, "fromFile"), child(source_path, "fromFile"))) r.set(flag, *file, child(source_path, "fromFile"));
    }
    r.refuse_if_set(tls, "minVersion", tls_path, "TLS 1.2 or later with OpenSSL's defaults");
    r.refuse_if_set(tls, "cipherSuites", tls_path, "OpenSSL's default cipher suites");
}

}  // namespace alpha
}  // namespace gh::options
