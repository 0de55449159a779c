#include "credentials/jwt_in_basic.hpp"

#include "crypto/base64.hpp"

namespace gh::credentials {
namespace {

bool base64url_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

bool looks_like_jwt(std::string_view text) {
    // ^ey[A-Za-z0-9_-]*\.ey[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$
    const auto first = text.find('.');
    if (first == std::string_view::npos) return false;
    const auto second = text.find('.', first + 1);
    if (second == std::string_view::npos) return false;
    const std::string_view header = text.substr(0, first), payload = text.substr(first + 1, second - first - 1),
                           signature = text.substr(second + 1);
    const auto all_base64url = [](std::string_view part) {
        for (char c : part)
            if (!base64url_char(c)) return false;
        return true;
    };
    return header.starts_with("ey") && payload.starts_with("ey") && !signature.empty() && all_base64url(header) &&
           all_base64url(payload) && all_base64url(signature);
}

std::optional<std::string> jwt_in_basic(std::string_view base64_credentials) {
    const auto decoded = crypto::base64_decode_any(base64_credentials);
    if (!decoded) return std::nullopt;
    const std::string_view pair(reinterpret_cast<const char*>(decoded->data()), decoded->size());
    const auto colon = pair.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view user = pair.substr(0, colon), password = pair.substr(colon + 1);
    const bool user_is_jwt = looks_like_jwt(user), password_is_jwt = looks_like_jwt(password);
    if (user_is_jwt && password_is_jwt) return std::string{};
    if (user_is_jwt && (password.empty() || password == "x-oauth-basic")) return std::string(user);
    if (!user_is_jwt && password_is_jwt) return std::string(password);
    // A JWT user with any other password is no token here (oauth2-proxy refuses it too); it stays a user name.
    return std::nullopt;
}

}  // namespace gh::credentials
