#include "oidc/refreshed_identity.hpp"

#include <nlohmann/json.hpp>

#include "crypto/base64.hpp"
#include "oidc/claim_values.hpp"

namespace gh::oidc {
namespace {

// The claims of a compact JWT, or a discarded value when it is not one.
nlohmann::json payload_of(std::string_view jwt) {
    const auto first = jwt.find('.');
    const auto second = first == std::string_view::npos ? first : jwt.find('.', first + 1);
    crypto::Bytes payload;
    if (second == std::string_view::npos ||
        !crypto::base64url_decode(jwt.substr(first + 1, second - first - 1), payload))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(payload.begin(), payload.end(), nullptr, false);
}

}  // namespace

std::string identity_change(std::string_view session_id_token, std::string_view session_user, const Identity& refreshed) {
    // An ID token came with the refresh (a provider's API alone fills in no subject): compare it with the
    // session's, which a session from an OIDC login always holds.
    if (!refreshed.subject.empty()) {
        const auto before = payload_of(session_id_token);
        if (!before.is_object()) return "the session holds no ID token to compare the refreshed one with";
        if (string_claim(before, "iss") != refreshed.issuer) return "the refreshed ID token names another issuer (iss)";
        if (string_claim(before, "sub") != refreshed.subject) return "the refreshed ID token names another subject (sub)";
    }
    if (refreshed.user != session_user) return "the refreshed tokens name another user";
    return {};
}

}  // namespace gh::oidc
