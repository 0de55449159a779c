#include "oidc/provider.hpp"

#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "crypto/base64.hpp"
#include "http/form.hpp"
#include "oidc/bearer_token.hpp"
#include "oidc/claim_values.hpp"
#include "oidc/token_claims.hpp"
#include "oidc/jws.hpp"
#include "oidc/userinfo_claims.hpp"

namespace gh::oidc {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;

// An unknown kid may mean the IdP rotated its keys; refetch, but no more often than this, so that
// tokens with made-up kids cannot make us hammer the IdP.
constexpr std::int64_t kKeyRefreshInterval = 10;

std::string code_challenge(const std::string& verifier, const std::string& method) {
    if (method == "plain") return verifier;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
    return crypto::base64url_encode({digest, sizeof digest});
}

std::string string_member(const json& j, const char* name) {
    return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string{};
}

std::string summary(const http::ClientResult& r) {
    if (!r.response) return r.error;
    std::string body = r.response->body.substr(0, 200);
    for (auto& c : body)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return "HTTP " + std::to_string(r.response->status) + ": " + body;
}

// Keycloak puts realm roles in realm_access.roles and each client's in resource_access.<client>.roles;
// oauth2-proxy's keycloak-oidc exposes them as groups "role:<name>" and "role:<client>:<name>".
void add_keycloak_roles(const json& claims, Identity& id) {
    if (const auto* roles = find_claim(claims, "realm_access.roles"); roles && roles->is_array())
        for (const auto& r : *roles)
            if (r.is_string()) id.groups.push_back("role:" + r.get<std::string>());
    const auto clients = claims.find("resource_access");
    if (clients == claims.end() || !clients->is_object()) return;
    for (const auto& [client, access] : clients->items()) {
        const auto roles = access.is_object() ? access.find("roles") : access.end();
        if (!access.is_object() || roles == access.end() || !roles->is_array()) continue;
        for (const auto& r : *roles)
            if (r.is_string()) id.groups.push_back("role:" + client + ":" + r.get<std::string>());
    }
}

}  // namespace

Provider::Provider(ProviderConfig config, const http::HttpClient& client, const Clock& clock,
                   std::shared_ptr<const IdentityCompletion> completion)
    : config_(std::move(config)), completion_(std::move(completion)), client_(client), clock_(clock) {}

asio::awaitable<std::string> Provider::discover() {
    auto e = std::make_shared<Endpoints>();
    e->issuer = config_.issuer_url;
    if (!config_.skip_discovery && !config_.oauth2_only) {
        std::string base = config_.issuer_url;
        while (base.ends_with('/')) base.pop_back();
        // Named, not a braced temporary: GCC 12 destroys braced temporaries in a co_await expression twice.
        http::ClientRequest req{"GET", base + "/.well-known/openid-configuration", {}, {}};
        const auto r = co_await timed_fetch(observe::IdpCall::discovery, std::move(req));
        if (!r.response || r.response->status != 200) co_return "discovery failed: " + summary(r);
        const json doc = json::parse(r.response->body, nullptr, false);
        if (!doc.is_object()) co_return "discovery document is not a JSON object";
        e->issuer = string_member(doc, "issuer");
        // OIDC Discovery §4.3: the issuer in the document must be exactly the one we were configured with
        // (Entra ID's multi-tenant documents name a template instead, filled per token).
        const bool templated = config_.tenant_issuer_template && e->issuer.find("{tenantid}") != std::string::npos;
        if (!config_.skip_issuer_check && !templated && e->issuer != config_.issuer_url)
            co_return "discovery issuer '" + e->issuer + "' is not --oidc-issuer-url '" + config_.issuer_url + "'";
        e->authorization = string_member(doc, "authorization_endpoint");
        e->token = string_member(doc, "token_endpoint");
        e->jwks = string_member(doc, "jwks_uri");
        e->end_session = string_member(doc, "end_session_endpoint");
        e->userinfo = string_member(doc, "userinfo_endpoint");
        if (doc.contains("token_endpoint_auth_methods_supported") && doc["token_endpoint_auth_methods_supported"].is_array()) {
            const auto& methods = doc["token_endpoint_auth_methods_supported"];
            const bool basic = std::find(methods.begin(), methods.end(), "client_secret_basic") != methods.end();
            const bool post = std::find(methods.begin(), methods.end(), "client_secret_post") != methods.end();
            e->token_auth_post = post && !basic;
        }
    }
    if (!config_.login_url.empty()) e->authorization = config_.login_url;
    if (!config_.redeem_url.empty()) e->token = config_.redeem_url;
    if (!config_.jwks_url.empty()) e->jwks = config_.jwks_url;
    if (!config_.end_session_url.empty()) e->end_session = config_.end_session_url;
    if (config_.client_secret_post) e->token_auth_post = true;
    if (config_.keys_only && e->jwks.empty()) co_return "the issuer names no JWKS endpoint";
    if (!config_.keys_only && (e->authorization.empty() || e->token.empty() || (e->jwks.empty() && !config_.oauth2_only)))
        co_return "the IdP names no authorization, token or JWKS endpoint";
    endpoints_.publish(std::move(e));
    co_return std::string{};
}

asio::awaitable<std::string> Provider::refresh_keys() const {
    const auto e = endpoints_.load();
    if (!e) co_return "endpoints unknown";
    http::ClientRequest req{"GET", e->jwks, {}, {}};
    const auto r = co_await timed_fetch(observe::IdpCall::jwks, std::move(req));
    if (!r.response || r.response->status != 200) co_return "JWKS fetch failed: " + summary(r);
    auto set = read_jwks(r.response->body);
    if (!set) co_return "JWKS unusable: " + describe(set.error());
    for (const auto& why : set->skipped) spdlog::info("oidc: JWKS key skipped: {}", why);
    if (set->keys.empty()) co_return "JWKS holds no usable signing key";
    spdlog::info("oidc: loaded {} signing key(s) from {}", set->keys.size(), e->jwks);
    keys_.publish(std::make_shared<JwkSet>(std::move(*set)));
    co_return std::string{};
}

asio::awaitable<http::ClientResult> Provider::timed_fetch(observe::IdpCall call, http::ClientRequest req) const {
    const auto started = std::chrono::steady_clock::now();
    http::ClientResult r = co_await client_.fetch(std::move(req));
    observe::time_idp_call(call, std::chrono::steady_clock::now() - started, !r.response || r.response->status >= 500);
    co_return r;
}

asio::awaitable<std::string> Provider::try_once() {
    std::string error = co_await discover();
    if (error.empty() && !config_.oauth2_only) error = co_await refresh_keys();
    co_return error;
}

asio::awaitable<void> Provider::initialise() {
    auto executor = co_await asio::this_coro::executor;
    std::chrono::milliseconds backoff{500};
    for (;;) {
        // (GCC 12 cannot compile co_await inside ?: — hence the plain ifs.)
        std::string error;
        if (!endpoints_.load()) error = co_await discover();
        if (error.empty() && !config_.oauth2_only) error = co_await refresh_keys();
        if (error.empty()) break;
        spdlog::warn("oidc: {}; retrying in {} ms", error, backoff.count());
        asio::steady_timer timer(executor, backoff);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
    }
    const auto e = endpoints_.load();
    // A plain OAuth 2.0 provider has no issuer: name the endpoints it will be asked (GitHub, or Gitea through
    // --login-url, --redeem-url and --validate-url).
    if (config_.oauth2_only)
        spdlog::info("oauth2: provider ready (authorization {}, token {}, API {})", e->authorization, e->token,
                     config_.identity_api);
    else
        spdlog::info("oidc: provider ready (issuer {})", e->issuer);
}

std::string Provider::authorization_url(const std::string& redirect_uri, const std::string& state,
                                        const std::string& nonce, const std::string& code_verifier) const {
    const auto e = endpoints_.load();
    std::vector<std::pair<std::string, std::string>> q{
        {"response_type", "code"}, {"client_id", config_.client_id}, {"redirect_uri", redirect_uri},
        {"scope", config_.scope},  {"state", state},                 {"nonce", nonce},
        {"code_challenge", code_challenge(code_verifier, config_.code_challenge_method)},
        {"code_challenge_method", config_.code_challenge_method}};
    if (!config_.prompt.empty()) q.emplace_back("prompt", config_.prompt);
    q.insert(q.end(), config_.extra_authorization_params.begin(), config_.extra_authorization_params.end());
    const char sep = e->authorization.find('?') == std::string::npos ? '?' : '&';
    return e->authorization + sep + http::form_encode(q);
}

asio::awaitable<RedeemResult> Provider::redeem(const std::string& code, const std::string& code_verifier,
                                               const std::string& redirect_uri, const std::string& nonce) const {
    std::vector<std::pair<std::string, std::string>> form{{"grant_type", "authorization_code"},
                                                          {"code", code},
                                                          {"redirect_uri", redirect_uri},
                                                          {"code_verifier", code_verifier}};
    co_return co_await call_token_endpoint(std::move(form), nonce, false);
}

asio::awaitable<RedeemResult> Provider::refresh(const std::string& refresh_token) const {
    std::vector<std::pair<std::string, std::string>> form{{"grant_type", "refresh_token"},
                                                          {"refresh_token", refresh_token}};
    const std::string no_nonce;  // named: GCC 12 mishandles braced temporaries in a co_await call
    co_return co_await call_token_endpoint(std::move(form), no_nonce, true);
}

asio::awaitable<RedeemResult> Provider::call_token_endpoint(std::vector<std::pair<std::string, std::string>> form,
                                                            const std::string& nonce, bool refreshing) const {
    const auto e = endpoints_.load();
    if (!e) co_return RedeemResult{std::nullopt, "the IdP is not discovered yet", false};
    http::ClientRequest req{"POST", e->token, {{"Content-Type", "application/x-www-form-urlencoded"},
                                               {"Accept", "application/json"}}, {}};
    if (e->token_auth_post) {
        form.emplace_back("client_id", config_.client_id);
        form.emplace_back("client_secret", config_.client_secret);
    } else {
        // RFC 6749 §2.3.1: each part form-encoded before base64.
        const std::string credentials =
            text::percent_encode(config_.client_id) + ":" + text::percent_encode(config_.client_secret);
        req.headers.emplace_back("Authorization", "Basic " + crypto::base64_encode(crypto::as_bytes(credentials)));
    }
    req.body = http::form_encode(form);
    const auto r = co_await timed_fetch(refreshing ? observe::IdpCall::refresh : observe::IdpCall::token, std::move(req));
    if (!r.response) co_return RedeemResult{std::nullopt, "token endpoint unreachable: " + r.error, false};
    if (r.response->status != 200)
        co_return RedeemResult{std::nullopt,
                               std::string(refreshing ? "token endpoint refused the refresh: "
                                                      : "token endpoint refused the code: ") + summary(r),
                               r.response->status >= 400 && r.response->status < 500};
    co_return co_await verify_tokens(r.response->body, nonce, refreshing);
}

asio::awaitable<JwsResult> Provider::verify_signature(const std::string& jwt) const {
    auto keys = keys_.load();
    if (!keys) co_return JwsResult{std::nullopt, "no signing keys loaded"};
    auto verified = verify_jws(jwt, *keys);
    std::int64_t last = last_key_refresh_.load();
    const std::int64_t now = clock_.now();
    // Only the thread that wins the exchange refetches; the others use the keys they have.
    if (!verified.value && verified.unknown_kid && now - last >= kKeyRefreshInterval &&
        last_key_refresh_.compare_exchange_strong(last, now)) {
        spdlog::info("oidc: a token names an unknown key; refetching the JWKS");
        if (const auto err = co_await refresh_keys(); !err.empty()) spdlog::warn("oidc: {}", err);
        keys = keys_.load();
        verified = verify_jws(jwt, *keys);
    }
    co_return verified;
}

asio::awaitable<LogoutTokenResult> Provider::verify_logout_token(const std::string& jwt) const {
    const auto endpoints = endpoints_.load();
    if (!endpoints || !keys_.load()) co_return LogoutTokenResult{.error = "the identity provider is not discovered yet"};
    const auto verified = co_await verify_signature(jwt);
    if (!verified.value) co_return LogoutTokenResult{.error = "signature: " + verified.error};
    LogoutTokenExpectations expect;
    expect.issuer = endpoints->issuer;
    expect.client_id = config_.client_id;
    expect.now = clock_.now();
    expect.skip_issuer_check = config_.skip_issuer_check;
    co_return check_logout_token(verified.value->payload, expect);
}

asio::awaitable<BearerResult> Provider::verify_bearer(const std::string& jwt,
                                                      const std::vector<std::string>& audiences) const {
    const auto endpoints = endpoints_.load();
    if (!endpoints || !keys_.load())
        co_return BearerResult{.error = "the issuer's keys are not loaded yet", .unavailable = true};
    const auto verified = co_await verify_signature(jwt);
    if (!verified.value) co_return BearerResult{.error = "signature: " + verified.error};
    const auto& claims = verified.value->payload;
    // The checks of a login's ID token (token_expectations), without its nonce, for `audiences`: the login IdP's
    // client id and extra audiences, or an --extra-jwt-issuers entry's own audience.
    TokenExpectations expect = token_expectations(*endpoints, claims);
    expect.audiences = audiences;
    if (auto why = check_token_claims(claims, expect); !why.empty()) co_return BearerResult{.error = std::move(why)};
    auto identity = extract_identity(claims, config_.claims);
    if (!identity.identity) co_return BearerResult{.error = std::move(identity.error)};
    if (config_.keycloak_roles) add_keycloak_roles(claims, *identity.identity);
    BearerResult r{.identity = std::move(identity.identity)};
    numeric_claim(claims, "exp", r.expires_at);
    numeric_claim(claims, "iat", r.issued_at);
    co_return r;
}

asio::awaitable<RedeemResult> Provider::verify_tokens(const std::string& body, const std::string& nonce,
                                                      bool refreshing) const {
    const json tokens = json::parse(body, nullptr, false);
    if (!tokens.is_object()) co_return RedeemResult{std::nullopt, "token response is not JSON", false};
    // GitHub answers a refused code with 200 and an error member.
    if (const std::string error = string_member(tokens, "error"); !error.empty())
        co_return RedeemResult{std::nullopt, "token endpoint refused: " + error, true};
    const auto endpoints = endpoints_.load();
    if (config_.oauth2_only) {
        LoginTokens t{{}, false, string_member(tokens, "access_token"), {}, string_member(tokens, "refresh_token")};
        if (t.access_token.empty()) co_return RedeemResult{std::nullopt, "token response holds no access_token", true};
        if (!completion_) co_return RedeemResult{std::nullopt, "no way to learn the identity", false};
        const json no_claims = json::object();
        if (auto failed = co_await completion_->complete(t, no_claims, *endpoints)) co_return std::move(*failed);
        t.has_identity = true;
        co_return RedeemResult{std::move(t), {}, false};
    }
    const std::string id_token = string_member(tokens, "id_token");
    if (id_token.empty() && refreshing) {
        LoginTokens t{{}, false, string_member(tokens, "access_token"), {}, string_member(tokens, "refresh_token")};
        co_return RedeemResult{std::move(t), {}, false};
    }
    if (id_token.empty()) co_return RedeemResult{std::nullopt, "token response holds no id_token", true};

    if (!keys_.load()) co_return RedeemResult{std::nullopt, "no signing keys loaded", false};
    const auto verified = co_await verify_signature(id_token);
    if (!verified.value) co_return RedeemResult{std::nullopt, "ID token rejected: " + verified.error, true};

    const auto& claims = verified.value->payload;
    TokenExpectations expect = token_expectations(*endpoints, claims);
    // A refreshed ID token carries no nonce of this browser's (Core §12.2); a login's must carry its own.
    if (!refreshing) expect.nonce = nonce;
    if (auto why = check_token_claims(claims, expect); !why.empty())
        co_return RedeemResult{std::nullopt, "ID token rejected: " + why, true};
    const std::string access_token = string_member(tokens, "access_token");
    json merged;
    if (needs_userinfo(claims, config_.claims) && !endpoints->userinfo.empty() && !access_token.empty()) {
        auto fetched = co_await userinfo_claims(*endpoints, access_token, claims);
        if (!fetched.error.empty()) co_return RedeemResult{std::nullopt, fetched.error, fetched.refused};
        merged = std::move(fetched.claims);
    }
    const json& identity_claims = merged.is_null() ? claims : merged;
    auto identity = extract_identity(identity_claims, config_.claims);
    if (!identity.identity) co_return RedeemResult{std::nullopt, "ID token rejected: " + identity.error, true};
    if (config_.keycloak_roles) add_keycloak_roles(claims, *identity.identity);
    LoginTokens t{std::move(*identity.identity), true, access_token, id_token, string_member(tokens, "refresh_token")};
    if (completion_)
        if (auto failed = co_await completion_->complete(t, claims, *endpoints)) co_return std::move(*failed);
    co_return RedeemResult{std::move(t), {}, false};
}

asio::awaitable<Provider::UserinfoClaims> Provider::userinfo_claims(const Endpoints& e, const std::string& access_token,
                                                                    const json& id_claims) const {
    http::ClientRequest req;
    req.url = e.userinfo;
    req.headers = {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}};
    const auto r = co_await timed_fetch(observe::IdpCall::userinfo, std::move(req));
    if (!r.response) co_return UserinfoClaims{{}, "userinfo endpoint unreachable: " + r.error, false};
    if (r.response->status != 200)
        co_return UserinfoClaims{{}, "userinfo endpoint refused: " + summary(r), r.response->status < 500};
    auto merged = merge_userinfo_claims(id_claims, json::parse(r.response->body, nullptr, false));
    if (!merged.error.empty()) co_return UserinfoClaims{{}, merged.error, true};
    co_return UserinfoClaims{std::move(merged.claims), {}, false};
}

TokenExpectations Provider::token_expectations(const Endpoints& e, const json& claims) const {
    TokenExpectations expect;
    expect.issuer = expected_issuer(e, claims);
    expect.skip_issuer_check = config_.skip_issuer_check;
    expect.audiences = {config_.client_id};
    expect.audiences.insert(expect.audiences.end(), config_.extra_audiences.begin(), config_.extra_audiences.end());
    expect.audience_claims = config_.audience_claims;
    expect.now = clock_.now();
    return expect;
}

std::string Provider::expected_issuer(const Endpoints& e, const json& claims) const {
    const auto at = e.issuer.find("{tenantid}");
    if (!config_.tenant_issuer_template || at == std::string::npos) return e.issuer;
    const std::string tenant = string_member(claims, "tid");
    // Without a tid the template stays as it is, and the issuer check fails: as it must.
    if (tenant.empty()) return e.issuer;
    return e.issuer.substr(0, at) + tenant + e.issuer.substr(at + 10);
}

}  // namespace gh::oidc
