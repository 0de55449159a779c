#pragma once
// A bearer token (--skip-jwt-bearer-tokens): a JWT a machine client presents in `Authorization: Bearer`, an OAuth
// access token in JWT form (RFC 9068) or an ID token. Its claims are checked as every token's are
// (oidc/token_claims.hpp); what binds it to this deployment is its audience (and, when it names one, its
// authorized party), as for a login's ID token.
#include <optional>
#include <string>
#include <string_view>

namespace gh::oidc {

// The `iss` a compact JWT claims, read without verifying anything: only to choose which issuer's keys and
// expectations to verify it with. nullopt when the token is not a JWT with a string `iss`.
std::optional<std::string> unverified_issuer(std::string_view jwt);

}  // namespace gh::oidc
