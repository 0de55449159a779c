#include "oidc/bearer_token.hpp"

#include <algorithm>

#include "crypto/base64.hpp"
#include "oidc/claim_values.hpp"

namespace gh::oidc {

std::string check_bearer_claims(const nlohmann::json& claims, const BearerExpectations& expect) {
    if (!claims.is_object()) return "claims are not a JSON object";
    if (string_claim(claims, "iss") != expect.issuer)
        return "issuer '" + string_claim(claims, "iss") + "' is not '" + expect.issuer + "'";
    if (string_claim(claims, "sub").empty()) return "no subject (sub)";
    const auto aud = audiences(claims, expect.audience_claims);
    const auto accepted = [&](const std::string& a) {
        return std::find(expect.audiences.begin(), expect.audiences.end(), a) != expect.audiences.end();
    };
    if (std::none_of(aud.begin(), aud.end(), accepted)) return "audience is not one this deployment accepts";
    // A bearer token must expire: one that never does could not be taken back.
    std::int64_t exp = 0, iat = 0, nbf = 0;
    if (!numeric_claim(claims, "exp", exp)) return "no expiry (exp)";
    if (exp + expect.skew <= expect.now) return "token expired";
    if (numeric_claim(claims, "nbf", nbf) && nbf - expect.skew > expect.now) return "token not yet valid (nbf)";
    if (numeric_claim(claims, "iat", iat) && iat - expect.skew > expect.now) return "token issued in the future (iat)";
    return {};
}

std::optional<std::string> unverified_issuer(std::string_view jwt) {
    const auto first = jwt.find('.');
    const auto second = first == std::string_view::npos ? first : jwt.find('.', first + 1);
    if (second == std::string_view::npos || jwt.find('.', second + 1) != std::string_view::npos) return std::nullopt;
    crypto::Bytes payload;
    if (!crypto::base64url_decode(jwt.substr(first + 1, second - first - 1), payload)) return std::nullopt;
    const auto claims = nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
    if (!claims.is_object()) return std::nullopt;
    const auto it = claims.find("iss");
    if (it == claims.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

}  // namespace gh::oidc
