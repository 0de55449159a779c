#pragma once
// The OpenID Provider as Gatehouse sees it: endpoints (from discovery or flags), signing keys, and the
// code-for-tokens exchange. Shared by every I/O thread; its state is swapped atomically, never locked.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "concurrent/published.hpp"
#include "http/client.hpp"
#include "observe/metrics.hpp"
#include "oidc/claims.hpp"
#include "oidc/jwk.hpp"
#include "oidc/jws.hpp"
#include "oidc/logout_token.hpp"
#include "oidc/token_claims.hpp"
#include "clock/clock.hpp"

namespace gh::oidc {

struct ProviderConfig {
    std::string issuer_url;
    bool skip_discovery = false;
    std::string login_url, redeem_url, jwks_url, end_session_url;  // overrides / used without discovery
    std::string client_id;
    std::string client_secret;
    std::string scope;
    std::string prompt;
    std::string code_challenge_method = "S256";
    std::vector<std::string> extra_audiences;
    std::vector<std::string> audience_claims{"aud"};
    bool skip_issuer_check = false;
    bool keycloak_roles = false;
    ClaimNames claims;
    bool keys_only = false;  // an issuer of bearer tokens only (--extra-jwt-issuers): no login endpoints needed
    // Plain OAuth 2.0 (GitHub): no discovery, no ID token, no keys; the identity comes from the provider's API
    // (an IdentityCompletion). The login and token URLs must be given.
    bool oauth2_only = false;
    std::string identity_api;  // where such a provider's identity comes from (GitHub's REST API base), for the log
    bool client_secret_post = false;  // send the client's credentials in the token request's body, not Basic
    // Microsoft Entra ID's multi-tenant endpoints: the discovered issuer holds "{tenantid}", which each token's
    // `tid` claim fills in.
    bool tenant_issuer_template = false;
    // Added to the authorization URL (Google: access_type=offline, hd).
    std::vector<std::pair<std::string, std::string>> extra_authorization_params;
};

struct Endpoints {
    std::string issuer;
    std::string authorization;
    std::string token;
    std::string jwks;
    std::string end_session;
    std::string userinfo;
    bool token_auth_post = false;  // the IdP accepts only client_secret_post
};

// What a successful login yields.
struct LoginTokens {
    Identity identity;
    bool has_identity = true;  // false when a refresh answer carried no ID token: keep the previous identity
    std::string access_token;
    std::string id_token;
    std::string refresh_token;
};

struct RedeemResult {
    std::optional<LoginTokens> tokens;
    std::string error;     // for the log; never holds a secret or a token
    bool refused = false;  // the IdP (or the token) said no, as opposed to the IdP being unreachable
    bool forbidden = false;  // the account is known but not allowed (--github-org, --gitlab-group …)
};

// What a provider learns or checks after the tokens verified, through its own API: GitHub's user, e-mail,
// organisations and teams; GitLab's groups; Entra ID's groups when the token could not hold them all; Google's
// hosted domain and groups. Runs on the caller's executor, for a login and for every refresh.
class IdentityCompletion {
public:
    virtual ~IdentityCompletion() = default;
    // `tokens.identity`: what the ID token said (empty for a plain OAuth 2.0 provider); `id_claims`: its verified
    // claims (an empty object without an ID token). Fills in or checks `tokens.identity`; on failure returns a
    // RedeemResult with the error (and `refused`/`forbidden`), else nullopt.
    virtual boost::asio::awaitable<std::optional<RedeemResult>> complete(LoginTokens& tokens,
                                                                         const nlohmann::json& id_claims,
                                                                         const Endpoints& endpoints) const = 0;
};

// A verified bearer token (--skip-jwt-bearer-tokens).
struct BearerResult {
    std::optional<Identity> identity;
    std::int64_t expires_at = 0;
    std::int64_t issued_at = 0;
    std::string error;         // why not, for the log and WWW-Authenticate; never holds the token
    bool unavailable = false;  // the issuer's keys are not loaded yet: fail closed, the token may be fine
};

class Provider {
public:
    // `completion`: the provider's own step after the tokens (nullptr: the ID token says it all).
    Provider(ProviderConfig config, const http::HttpClient& client, const Clock& clock,
             std::shared_ptr<const IdentityCompletion> completion = nullptr);

    // Runs discovery and fetches the keys, retrying with bounded backoff until both succeed (the IdP may
    // start after us). Meant for a background thread; returns once ready.
    boost::asio::awaitable<void> initialise();
    bool ready() const { return endpoints_.published() && (config_.oauth2_only || keys_.published()); }
    // One attempt at what initialise() retries: discovery, then the keys. Returns why it failed, or empty.
    // For `gatehouse doctor`, which must judge the IdP exactly as the server would.
    boost::asio::awaitable<std::string> try_once();
    std::shared_ptr<const Endpoints> endpoints() const { return endpoints_.load(); }

    // The IdP URL that starts a login for this browser.
    std::string authorization_url(const std::string& redirect_uri, const std::string& state, const std::string& nonce,
                                  const std::string& code_verifier) const;

    // Redeems `code`, verifies the ID token (signature, issuer, audience, times, nonce) and extracts the
    // identity. Runs on the caller's executor.
    boost::asio::awaitable<RedeemResult> redeem(const std::string& code, const std::string& code_verifier,
                                                const std::string& redirect_uri, const std::string& nonce) const;

    // Exchanges a refresh token for fresh tokens (RFC 6749 §6). A new ID token, if any, is verified like a
    // login's, except for the nonce. `refused`: the IdP said no (invalid_grant …), so the session must end.
    boost::asio::awaitable<RedeemResult> refresh(const std::string& refresh_token) const;

    // A back-channel logout token: signature with the IdP's keys, then the claims of OIDC Back-Channel
    // Logout 1.0 §2.6.
    boost::asio::awaitable<LogoutTokenResult> verify_logout_token(const std::string& jwt) const;

    // A JWT a machine client presents as a bearer token, issued by this provider's issuer: the signature with its
    // keys (refetched, rate-limited, for an unknown kid), then the claims as a login's ID token's
    // (oidc/token_claims.hpp) but for the nonce and with `audiences` as the accepted audiences (and authorized
    // parties), then the identity from the claims, as for a login.
    boost::asio::awaitable<BearerResult> verify_bearer(const std::string& jwt,
                                                       const std::vector<std::string>& audiences) const;

    const ProviderConfig& config() const { return config_; }
    // One call to the IdP, timed for /metrics (gatehouse_idp_request_duration_seconds).
    boost::asio::awaitable<http::ClientResult> timed_fetch(observe::IdpCall call, http::ClientRequest req) const;

private:
    boost::asio::awaitable<std::string> discover();
    boost::asio::awaitable<std::string> refresh_keys() const;
    boost::asio::awaitable<RedeemResult> call_token_endpoint(std::vector<std::pair<std::string, std::string>> form,
                                                             const std::string& nonce, bool refreshing) const;
    // Verifies a JWT's signature with the IdP's keys, refetching them (rate-limited) for an unknown kid.
    boost::asio::awaitable<JwsResult> verify_signature(const std::string& jwt) const;
    boost::asio::awaitable<RedeemResult> verify_tokens(const std::string& body, const std::string& nonce,
                                                       bool refreshing) const;
    struct UserinfoClaims {
        nlohmann::json claims;
        std::string error;
        bool refused = false;
    };
    // The ID token's claims completed from the userinfo endpoint with the login's access token (oauth2-proxy
    // reads a claim the ID token lacks there): for an IdP that puts the e-mail only in userinfo.
    boost::asio::awaitable<UserinfoClaims> userinfo_claims(const Endpoints& e, const std::string& access_token,
                                                           const nlohmann::json& id_claims) const;
    // What every token of this issuer must satisfy (oidc/token_claims.hpp): the same for a login's ID token, a
    // refresh's and a bearer token, but for the nonce (a login's only) and a bearer's audiences.
    TokenExpectations token_expectations(const Endpoints& e, const nlohmann::json& claims) const;
    // The issuer an ID token must name: the discovered one, with a multi-tenant template filled from `tid`.
    std::string expected_issuer(const Endpoints& e, const nlohmann::json& claims) const;

    ProviderConfig config_;
    std::shared_ptr<const IdentityCompletion> completion_;
    const http::HttpClient& client_;
    const Clock& clock_;
    concurrent::Published<Endpoints> endpoints_;
    mutable concurrent::Published<JwkSet> keys_;
    mutable std::atomic<std::int64_t> last_key_refresh_{0};  // of refetches for an unknown kid only
};

}  // namespace gh::oidc
