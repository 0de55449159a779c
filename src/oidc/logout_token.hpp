#pragma once
// The claims OpenID Connect Back-Channel Logout 1.0 §2.6 asks of a logout token, after its signature verified.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace gh::oidc {

struct LogoutTokenExpectations {
    std::string issuer;
    std::string client_id;
    std::int64_t now = 0;     // Unix seconds
    std::int64_t skew = 60;   // tolerated on iat and exp
    std::int64_t max_age = 600;  // an older token (by iat) is refused: it would only ever be a replay
    bool skip_issuer_check = false;
};

struct LogoutTokenResult {
    std::string sub;  // either or both set when valid
    std::string sid;
    std::string error;  // why not, for the log and the 400 answer; never contains the token
    bool ok() const { return error.empty(); }
};

LogoutTokenResult check_logout_token(const nlohmann::json& claims, const LogoutTokenExpectations& expect);

}  // namespace gh::oidc
