// oauth2-proxy's settings Gatehouse does not have: each refused by name with what to do instead, unless given a
// value that changes nothing (its default), which is accepted silently.
#include "options/flag_table.hpp"

#include "options/value_parsers.hpp"

#include <algorithm>
#include <array>

namespace gh::options {
namespace {

constexpr std::string_view kStdout = "Gatehouse logs to standard output; the container runtime keeps and rotates it";
constexpr std::string_view kMetricsTls = "keep --metrics-address on the pod network";
constexpr std::string_view kTls = "TLS 1.2 or later with OpenSSL's defaults; terminate TLS at the ingress for others";
constexpr std::string_view kConfigFile = "use flags, OAUTH2_PROXY_* variables or --config";
constexpr std::string_view kOtherIdp =
    "this provider is not supported; use its OpenID Connect endpoints with --provider=oidc, or an IdP that federates it";
constexpr std::string_view kLoginGov = "login.gov's private_key_jwt client authentication is not supported; use an "
                                       "OpenID Connect client with a client secret (--provider=oidc)";
constexpr std::string_view kGoogleKey = "read groups with a service account's key: --google-service-account-json";
constexpr std::string_view kNoProfileUrl =
    "Gatehouse takes claims from the ID token (and github, gitlab, entra-id and google from their own APIs); no "
    "profile endpoint is read";

using T = FlagType;
// Each row: the name, what to do instead, the type, and the values that change nothing (oauth2-proxy's default
// first). Sorted by area as the flag table is.
constexpr std::array kUnsupported = {
    // Provider
    UnsupportedFlag{"azure-graph-group-field", "groups are read as object IDs (oauth2-proxy's default, id): write --allowed-group as IDs", T::text, "", "id"},
    UnsupportedFlag{"entra-id-federated-token-auth", "use --client-secret or --client-secret-file", T::boolean, "false"},
    UnsupportedFlag{"bitbucket-team", kOtherIdp, T::text, ""},
    UnsupportedFlag{"bitbucket-repository", kOtherIdp, T::text, ""},
    UnsupportedFlag{"insecure-oidc-skip-nonce", "the nonce is always checked", T::boolean, "true", "false"},
    UnsupportedFlag{"oidc-public-key-file", "use --oidc-jwks-url (with --skip-oidc-discovery) or the IdP's discovery", T::list, ""},
    UnsupportedFlag{"oidc-enabled-signing-alg", "the ID token must be signed with the algorithm of the IdP's key (its JWKS alg)", T::list, ""},
    UnsupportedFlag{"profile-url", kNoProfileUrl, T::text, ""},
    UnsupportedFlag{"skip-claims-from-profile-url", kNoProfileUrl, T::boolean, "false", "true"},
    UnsupportedFlag{"auth-request-response-mode", "the authorization response always comes in the callback's query", T::text, ""},
    UnsupportedFlag{"resource", "Azure AD v1's resource is not supported: use entra-id (v2.0) and ask for api://<app>/.default in --scope", T::text, ""},
    UnsupportedFlag{"force-code-challenge-method", "use --code-challenge-method", T::text, ""},
    UnsupportedFlag{"jwt-key", kLoginGov, T::text, ""},
    UnsupportedFlag{"jwt-key-file", kLoginGov, T::text, ""},
    UnsupportedFlag{"pubjwk-url", kLoginGov, T::text, ""},
    UnsupportedFlag{"google-use-application-default-credentials", kGoogleKey, T::text, "", "false"},
    UnsupportedFlag{"google-target-principal", kGoogleKey, T::text, ""},
    UnsupportedFlag{"google-use-organization-id", "the preferred username is the one in the ID token", T::text, "", "false"},
    UnsupportedFlag{"google-admin-api-user-scope", "Gatehouse reads groups only (admin.directory.group.readonly)", T::text, ""},
    // Cookies and sessions
    UnsupportedFlag{"cookie-csrf-per-request-limit", "CSRF cookies end with --cookie-csrf-expire; lower it to keep fewer", T::integer, "0"},
    UnsupportedFlag{"cookie-csrf-samesite", "the CSRF cookie takes --cookie-samesite", T::text, ""},
    UnsupportedFlag{"session-cookie-minimal", "use --session-store-type=redis: the cookie then holds only a ticket", T::boolean, "false"},
    // Upstreams
    UnsupportedFlag{"flush-interval", "answers are streamed to the client as the upstream sends them", T::duration, "1s"},
    UnsupportedFlag{"disable-keep-alives", "idle upstream connections are reused only after a check that they are still open", T::boolean, "false"},
    UnsupportedFlag{"signature-key", "GAP-Signature is not sent: the upstream can trust the identity headers, which never come from the client", T::text, ""},
    UnsupportedFlag{"force-json-errors", "not needed: API clients (Accept: application/json) get 401", T::boolean, "false"},
    UnsupportedFlag{"encode-state", "not needed: the state is opaque and URL-safe", T::boolean, "false"},
    UnsupportedFlag{"allow-query-semicolons", "not needed: ';' never separates query parameters", T::boolean, "false"},
    // Server
    UnsupportedFlag{"metrics-secure-address", kMetricsTls, T::text, ""},
    UnsupportedFlag{"metrics-tls-cert-file", kMetricsTls, T::text, ""},
    UnsupportedFlag{"metrics-tls-key-file", kMetricsTls, T::text, ""},
    UnsupportedFlag{"tls-min-version", kTls, T::text, ""},
    UnsupportedFlag{"tls-cipher-suite", kTls, T::list, ""},
    UnsupportedFlag{"gcp-healthchecks", "point the load balancer's health check at --ping-path (/ping)", T::boolean, "false"},
    // Logs
    UnsupportedFlag{"logging-filename", kStdout, T::text, ""},
    UnsupportedFlag{"logging-max-size", kStdout, T::integer, "100"},
    UnsupportedFlag{"logging-max-age", kStdout, T::integer, "7"},
    UnsupportedFlag{"logging-max-backups", kStdout, T::integer, "0"},
    UnsupportedFlag{"logging-compress", kStdout, T::boolean, "false"},
    UnsupportedFlag{"errors-to-info-log", "everything goes to standard output", T::boolean, "false"},
    UnsupportedFlag{"request-id-header", "Gatehouse reads X-Request-Id", T::text, "X-Request-Id"},
    // Command line
    UnsupportedFlag{"convert-config-to-alpha", kConfigFile, T::boolean, "false"},
    UnsupportedFlag{"config-test", "use `gatehouse doctor` with the same flags: it checks the configuration and the IdP", T::boolean, "false"},
};

bool same_value(FlagType type, std::string_view given, std::string_view harmless) {
    switch (type) {
        case FlagType::boolean: {
            const auto a = parse_bool(given), b = parse_bool(harmless);
            return a && b && *a == *b;
        }
        case FlagType::integer: {
            const auto a = parse_integer(given), b = parse_integer(harmless);
            return a && b && *a == *b;
        }
        case FlagType::duration: {
            const auto a = parse_duration(given), b = parse_duration(harmless);
            return a && b && *a == *b;
        }
        default: return given == harmless;
    }
}

}  // namespace

bool UnsupportedFlag::is_harmless(const std::vector<std::string>& values) const {
    // A list's only harmless value is none: no items (or only empty ones, as `tls_cipher_suites = [""]`).
    if (type == FlagType::list) return std::all_of(values.begin(), values.end(), [](const auto& v) { return v.empty(); });
    if (values.size() > 1) return false;
    const std::string_view given = values.empty() ? std::string_view{} : std::string_view(values.front());
    return same_value(type, given, harmless) || (!also_harmless.empty() && same_value(type, given, also_harmless));
}

std::vector<std::string> unsupported_setting_keys(const UnsupportedFlag& flag) {
    std::string key = to_cfg_key(flag.name);
    if (flag.type == FlagType::list) return {key, key + "s"};
    return {key};
}

std::span<const UnsupportedFlag> unsupported_flags() { return kUnsupported; }

const UnsupportedFlag* find_unsupported_flag(std::string_view name) {
    for (const auto& p : kUnsupported)
        if (p.name == name) return &p;
    return nullptr;
}

const UnsupportedFlag* find_unsupported_flag_by_cfg_key(std::string_view key) {
    for (const auto& p : kUnsupported)
        for (const auto& k : unsupported_setting_keys(p))
            if (k == key) return &p;
    return nullptr;
}

}  // namespace gh::options
