#include "doors/bearer_challenge.hpp"

namespace gh::doors {

bool is_bearer_refusal(gate::Reason r) {
    return r == gate::Reason::bearer_token_invalid || r == gate::Reason::bearer_token_expired;
}

std::string bearer_challenge(const options::Options& o, const gate::Decision& d) {
    if (!o.skip_jwt_bearer_tokens) return {};
    if (d.reason == gate::Reason::bearer_token_expired)
        return R"(Bearer error="invalid_token", error_description="the token has expired")";
    if (d.reason == gate::Reason::bearer_token_invalid)
        return R"(Bearer error="invalid_token", error_description="the token is not valid here")";
    if (d.verdict == gate::Verdict::sign_in_required) return "Bearer";
    return {};
}

}  // namespace gh::doors
