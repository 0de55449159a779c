#include "oidc/token_claims.hpp"

#include <algorithm>

#include "crypto/bytes.hpp"
#include "oidc/claim_values.hpp"

namespace gh::oidc {

std::string check_token_claims(const nlohmann::json& claims, const TokenExpectations& expect) {
    // A signed payload that is not an object would make every lookup below throw (found by the jws fuzzer).
    if (!claims.is_object()) return "claims are not a JSON object";

    std::string iss;
    if (read_string(top_claim(claims, "iss"), iss) == ClaimRead::wrong_type) return wrong_type("iss", "a string");
    if (!expect.skip_issuer_check && iss != expect.issuer)
        return "issuer '" + iss + "' is not '" + expect.issuer + "'";

    std::string sub;
    if (const auto r = read_string(top_claim(claims, "sub"), sub); r == ClaimRead::wrong_type)
        return wrong_type("sub", "a string");
    if (sub.empty()) return "no subject (sub)";

    std::vector<std::string> aud;
    for (const auto& name : expect.audience_claims)
        if (read_strings(top_claim(claims, name), aud) == ClaimRead::wrong_type)
            return wrong_type(name, "a string or an array of strings");
    const auto accepted = [&](const std::string& a) {
        return std::find(expect.audiences.begin(), expect.audiences.end(), a) != expect.audiences.end();
    };
    if (std::none_of(aud.begin(), aud.end(), accepted)) return "audience is not one this deployment accepts";
    // The authorized party is the client the token was issued to: with several audiences it must be present,
    // and whenever present it must be us (the same on every path: a token the callback refuses is no bearer).
    std::string azp;
    const auto azp_read = read_string(top_claim(claims, "azp"), azp);
    if (azp_read == ClaimRead::wrong_type) return wrong_type("azp", "a string");
    if (azp_read == ClaimRead::absent && aud.size() > 1) return "several audiences and no authorized party (azp)";
    if (azp_read == ClaimRead::ok && !accepted(azp)) return "authorized party (azp) '" + azp + "' is not the client id";

    // Times: a token must expire (one that never does could not be taken back); the others are checked when
    // present. Written so that no value, however large, overflows.
    std::int64_t exp = 0, iat = 0, nbf = 0;
    const auto exp_read = read_number(top_claim(claims, "exp"), exp);
    if (exp_read == ClaimRead::wrong_type) return wrong_type("exp", "a number");
    if (exp_read == ClaimRead::absent) return "no expiry (exp)";
    if (exp <= expect.now - expect.skew) return "token expired";
    const auto iat_read = read_number(top_claim(claims, "iat"), iat);
    if (iat_read == ClaimRead::wrong_type) return wrong_type("iat", "a number");
    if (iat_read == ClaimRead::ok && iat > expect.now + expect.skew) return "token issued in the future (iat)";
    const auto nbf_read = read_number(top_claim(claims, "nbf"), nbf);
    if (nbf_read == ClaimRead::wrong_type) return wrong_type("nbf", "a number");
    if (nbf_read == ClaimRead::ok && nbf > expect.now + expect.skew) return "token not yet valid (nbf)";

    std::string nonce;
    if (read_string(top_claim(claims, "nonce"), nonce) == ClaimRead::wrong_type) return wrong_type("nonce", "a string");
    // The nonce binds a login's token to the login this browser started: a token from another login is useless.
    if (expect.nonce && (expect.nonce->empty() || !crypto::constant_time_equal(nonce, *expect.nonce)))
        return "nonce does not match";
    return {};
}

}  // namespace gh::oidc
