#include "oidc/id_token.hpp"

#include <algorithm>

#include "crypto/bytes.hpp"
#include "oidc/claim_values.hpp"

namespace gh::oidc {

std::string check_id_token_claims(const nlohmann::json& claims, const IdTokenExpectations& expect) {
    // A signed payload that is not an object would make every lookup below throw (found by the jws fuzzer).
    if (!claims.is_object()) return "claims are not a JSON object";
    if (!expect.skip_issuer_check && string_claim(claims, "iss") != expect.issuer)
        return "issuer '" + string_claim(claims, "iss") + "' is not '" + expect.issuer + "'";
    if (!claims.contains("sub") || !claims["sub"].is_string() || claims["sub"].get<std::string>().empty())
        return "no subject (sub)";

    const auto aud = audiences(claims, expect.audience_claims);
    auto accepted = [&](const std::string& a) {
        return a == expect.client_id ||
               std::find(expect.extra_audiences.begin(), expect.extra_audiences.end(), a) != expect.extra_audiences.end();
    };
    if (std::none_of(aud.begin(), aud.end(), accepted)) return "audience does not include the client id";
    // With several audiences, the authorized party must be us (Core §3.1.3.7 items 4 and 5).
    const std::string azp = string_claim(claims, "azp");
    if ((aud.size() > 1 || !azp.empty()) && azp != expect.client_id && !accepted(azp))
        return "authorized party (azp) '" + azp + "' is not the client id";

    std::int64_t exp = 0, iat = 0, nbf = 0;
    if (!numeric_claim(claims, "exp", exp)) return "no expiry (exp)";
    if (exp + expect.skew <= expect.now) return "token expired";
    if (numeric_claim(claims, "iat", iat) && iat - expect.skew > expect.now) return "token issued in the future (iat)";
    if (numeric_claim(claims, "nbf", nbf) && nbf - expect.skew > expect.now) return "token not yet valid (nbf)";

    // The nonce binds the token to the login this browser started: a token from another login is useless.
    if (!expect.require_nonce) return {};
    const std::string nonce = string_claim(claims, "nonce");
    if (expect.nonce.empty() || !crypto::constant_time_equal(nonce, expect.nonce)) return "nonce does not match";
    return {};
}

}  // namespace gh::oidc
