#pragma once
// --skip-jwt-bearer-tokens: a request that carries `Authorization: Bearer <JWT>` is authenticated by the token
// instead of a session cookie. The token says which issuer signed it; it is verified with that issuer's keys and
// expectations only — the login's IdP (audiences: the client id and --oidc-extra-audience) or one of
// --extra-jwt-issuers (its own audience) — with the claim checks of a login's ID token (oidc/token_claims.hpp:
// an `azp` the callback refuses is refused here too), and becomes a Session, so that every authorization rule applies to it
// unchanged. Each thread remembers the tokens it verified until they expire, keyed by their SHA-256: a client
// that sends the same token again costs a hash and a copy, not a signature check.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "gate/credentials.hpp"
#include "oidc/provider.hpp"
#include "clock/clock.hpp"

namespace gh::credentials {

class BearerTokens final : public gate::CredentialVerifier {
public:
    struct Issuer {
        const oidc::Provider* provider;      // discovered and keyed like the login's IdP
        std::vector<std::string> audiences;  // the token's `aud` must contain one of them
    };

    BearerTokens(std::vector<Issuer> issuers, const Clock& clock);

    std::optional<gate::CredentialCheck> find_now(std::string_view token, session::Session& out) const override;
    boost::asio::awaitable<gate::CredentialCheck> verify(std::string_view token, std::string_view client,
                                                         session::Session& out) const override;
    // A JWT sent as the user or the password of Basic (credentials/jwt_in_basic.hpp).
    std::optional<std::string> credential_in_basic(std::string_view basic) const override;

    // Tolerated on a remembered token's expiry, as on a verified one's (oidc::TokenExpectations::skew).
    static constexpr std::int64_t kSkew = 60;

private:
    const Issuer* issuer_for(std::string_view token) const;

    std::vector<Issuer> issuers_;
    const Clock& clock_;
    std::uint64_t id_;  // names this instance's entries in the per-thread memory of verified tokens
};

}  // namespace gh::credentials
