#pragma once
// A JWT sent in `Authorization: Basic` (--skip-jwt-bearer-tokens), as oauth2-proxy reads one there
// (pkg/middleware/jwt_session.go): git clients and CI tools that can only send a user and a password put the
// token in one of them.
#include <optional>
#include <string>
#include <string_view>

namespace gh::credentials {

// Whether `text` has a JWT's shape (oauth2-proxy's test): "ey….ey….sig", base64url characters only.
bool looks_like_jwt(std::string_view text);

// From the base64 part of a Basic header: the token when the user is a JWT and the password empty or
// "x-oauth-basic", or the password is a JWT and the user is not; "" (refused) when both are JWTs, since which one
// counts would be a guess; nullopt when neither is a JWT, or the value is no base64 of "user:password" (then the
// header is an ordinary user and password, for --htpasswd-file).
std::optional<std::string> jwt_in_basic(std::string_view base64_credentials);

}  // namespace gh::credentials
