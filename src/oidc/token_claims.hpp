#pragma once
// The claim checks of every token that names a user, once its signature verified: the ID token of a login
// (OpenID Connect Core §3.1.3.7), the ID token of a refresh (§12.2) and a bearer token (--skip-jwt-bearer-tokens:
// an OAuth access token in JWT form, RFC 9068, or an ID token). One function with one set of expectations, so
// that no path accepts a token another refuses. A claim of the wrong JSON type is refused with an error naming
// it; an absent (or null) optional claim is only absent. The identity claims are read by extract_identity
// (oidc/claims.hpp), with the same rule.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gh::oidc {

struct TokenExpectations {
    std::string issuer;              // `iss` must equal it (a string)
    bool skip_issuer_check = false;  // --insecure-oidc-skip-issuer-verification (`iss` must still be a string)
    // Whom the token must be for: the login IdP's client id and --oidc-extra-audience, or an --extra-jwt-issuers
    // entry's audience. The audience claims must name one of them; `azp`, when present or when they name several
    // audiences, must be one of them too (Core §3.1.3.7 items 4 and 5).
    std::vector<std::string> audiences;
    std::vector<std::string> audience_claims{"aud"};  // --oidc-audience-claim; each a string or an array of strings
    std::optional<std::string> nonce;  // a login's, from its CSRF cookie: the token must carry exactly it
    std::int64_t now = 0;              // Unix seconds
    std::int64_t skew = 60;            // clock skew tolerated on exp, iat, nbf
};

// Empty when every check passes, otherwise why not (for the log, the error page and WWW-Authenticate); never
// holds the token.
std::string check_token_claims(const nlohmann::json& claims, const TokenExpectations& expect);

}  // namespace gh::oidc
