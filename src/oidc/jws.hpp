#pragma once
// Verification of a compact JWS (the signed form of an ID token) against a JWKS.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "oidc/jwk.hpp"

namespace gh::oidc {

struct VerifiedJws {
    nlohmann::json header;
    nlohmann::json payload;
};

struct JwsResult {
    std::optional<VerifiedJws> value;
    std::string error;          // why verification failed; never contains key material
    bool unknown_kid = false;   // the key set lacks the token's kid: worth refetching the JWKS
};

// Accepts RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA. `alg: none` and every HMAC algorithm are
// refused outright: an ID token signed with the IdP's *public* key as an HMAC secret must never verify.
// The key is chosen by `kid`; its type (and curve) must match the algorithm family.
JwsResult verify_jws(std::string_view compact, const JwkSet& keys);

}  // namespace gh::oidc
