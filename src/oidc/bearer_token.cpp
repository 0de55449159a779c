#include "oidc/bearer_token.hpp"

#include <nlohmann/json.hpp>

#include "crypto/base64.hpp"

namespace gh::oidc {

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
