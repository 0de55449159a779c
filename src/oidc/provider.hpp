#pragma once
// The OpenID Provider as Gatehouse sees it: endpoints (from discovery or flags), signing keys, and the
// code-for-tokens exchange. Shared by every I/O thread; its state is swapped atomically, never locked.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <memory>
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
#include "session/clock.hpp"

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
};

struct Endpoints {
    std::string issuer;
    std::string authorization;
    std::string token;
    std::string jwks;
    std::string end_session;
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
    Provider(ProviderConfig config, const http::HttpClient& client, const Clock& clock);

    // Runs discovery and fetches the keys, retrying with bounded backoff until both succeed (the IdP may
    // start after us). Meant for a background thread; returns once ready.
    boost::asio::awaitable<void> initialise();
    bool ready() const { return endpoints_.published() && keys_.published(); }
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
    // keys (refetched, rate-limited, for an unknown kid), then `iss`, `aud` (one of `audiences`), `exp`, `nbf`, `iat`
    // (oidc/bearer_token.hpp), then the identity from the claims, as for a login.
    boost::asio::awaitable<BearerResult> verify_bearer(const std::string& jwt,
                                                       const std::vector<std::string>& audiences) const;

    const ProviderConfig& config() const { return config_; }

private:
    // One call to the IdP, timed for /metrics (gatehouse_idp_request_duration_seconds).
    boost::asio::awaitable<http::ClientResult> timed_fetch(observe::IdpCall call, http::ClientRequest req) const;
    boost::asio::awaitable<std::string> discover();
    boost::asio::awaitable<std::string> refresh_keys() const;
    boost::asio::awaitable<RedeemResult> call_token_endpoint(std::vector<std::pair<std::string, std::string>> form,
                                                             const std::string& nonce, bool refreshing) const;
    // Verifies a JWT's signature with the IdP's keys, refetching them (rate-limited) for an unknown kid.
    boost::asio::awaitable<JwsResult> verify_signature(const std::string& jwt) const;
    boost::asio::awaitable<RedeemResult> verify_tokens(const std::string& body, const std::string& nonce,
                                                       bool refreshing) const;

    ProviderConfig config_;
    const http::HttpClient& client_;
    const Clock& clock_;
    concurrent::Published<Endpoints> endpoints_;
    mutable concurrent::Published<JwkSet> keys_;
    mutable std::atomic<std::int64_t> last_key_refresh_{0};  // of refetches for an unknown kid only
};

}  // namespace gh::oidc
