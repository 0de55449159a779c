#pragma once
// The checks a bearer token must pass once its signature verified (--skip-jwt-bearer-tokens): a JWT a machine
// client presents in `Authorization: Bearer`, an OAuth access token in JWT form (RFC 9068) or an ID token. Unlike a
// login's ID token there is no nonce, and `azp` names the calling client, not us: what binds the token to this
// deployment is its audience.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::oidc {

struct BearerExpectations {
    std::string issuer;                            // `iss` must equal it
    std::vector<std::string> audiences;            // `aud` must contain one of them
    std::vector<std::string> audience_claims{"aud"};
    std::int64_t now = 0;                          // Unix seconds
    std::int64_t skew = 60;                        // tolerated on exp, iat, nbf
};

// Empty when every check passes, otherwise why not (for the log and the WWW-Authenticate error description).
std::string check_bearer_claims(const nlohmann::json& claims, const BearerExpectations& expect);

// The `iss` a compact JWT claims, read without verifying anything: only to choose which issuer's keys and
// expectations to verify it with. nullopt when the token is not a JWT with a string `iss`.
std::optional<std::string> unverified_issuer(std::string_view jwt);

}  // namespace gh::oidc
