#include "doors/bearer_challenge.hpp"

namespace gh::doors {

bool is_credential_refusal(gate::Reason r) {
    return r == gate::Reason::bearer_token_invalid || r == gate::Reason::bearer_token_expired ||
           r == gate::Reason::basic_auth_invalid || r == gate::Reason::basic_auth_rate_limited;
}

std::string bearer_challenge(const Config& o, const gate::Decision& d) {
    if (d.reason == gate::Reason::basic_auth_invalid || d.reason == gate::Reason::basic_auth_rate_limited)
        return R"(Basic realm="gatehouse", charset="UTF-8")";
    if (!o.skip_jwt_bearer_tokens) return {};
    if (d.reason == gate::Reason::bearer_token_expired)
        return R"(Bearer error="invalid_token", error_description="the token has expired")";
    if (d.reason == gate::Reason::bearer_token_invalid)
        return R"(Bearer error="invalid_token", error_description="the token is not valid here")";
    if (d.verdict == gate::Verdict::sign_in_required) return "Bearer";
    return {};
}

}  // namespace gh::doors
