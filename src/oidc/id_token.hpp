#pragma once
// The checks OpenID Connect Core §3.1.3.7 asks of an ID token, after its signature verified.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace gh::oidc {

struct IdTokenExpectations {
    std::string issuer;
    std::string client_id;
    std::vector<std::string> extra_audiences;  // --oidc-extra-audience
    std::vector<std::string> audience_claims{"aud"};  // --oidc-audience-claim
    std::string nonce;                         // from the CSRF cookie of this login
    bool require_nonce = true;                 // false for tokens from a refresh, which carry none
    std::int64_t now = 0;                      // Unix seconds
    std::int64_t skew = 60;                    // clock skew tolerated on exp, iat, nbf
    bool skip_issuer_check = false;            // --insecure-oidc-skip-issuer-verification
};

// Empty string when every check passes, otherwise why not (for the log and the error page).
std::string check_id_token_claims(const nlohmann::json& claims, const IdTokenExpectations& expect);

}  // namespace gh::oidc
