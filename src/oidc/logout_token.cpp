#include "oidc/logout_token.hpp"

#include "oidc/claim_values.hpp"

namespace gh::oidc {
namespace {

constexpr const char* kBackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

bool has_audience(const nlohmann::json& aud, const std::string& client_id) {
    if (aud.is_string()) return aud.get<std::string>() == client_id;
    if (!aud.is_array()) return false;
    for (const auto& a : aud)
        if (a.is_string() && a.get<std::string>() == client_id) return true;
    return false;
}

}  // namespace

LogoutTokenResult check_logout_token(const nlohmann::json& claims, const LogoutTokenExpectations& expect) {
    LogoutTokenResult r;
    if (!claims.is_object()) return {.error = "claims are not a JSON object"};
    if (!expect.skip_issuer_check && string_claim(claims, "iss") != expect.issuer)
        return {.error = "issuer '" + string_claim(claims, "iss") + "' is not '" + expect.issuer + "'"};
    if (const auto aud = claims.find("aud"); aud == claims.end() || !has_audience(*aud, expect.client_id))
        return {.error = "audience does not include the client id"};
    // Times read as every token's are (claim_values.hpp): held within int64, compared without overflowing.
    std::int64_t issued = 0, exp = 0;
    if (read_number(top_claim(claims, "iat"), issued) != ClaimRead::ok) return {.error = "no issued-at time (iat)"};
    if (issued > expect.now + expect.skew) return {.error = "issued in the future (iat)"};
    if (issued < expect.now - expect.max_age) return {.error = "issued too long ago (iat)"};
    if (const auto* e = top_claim(claims, "exp"); e && (read_number(e, exp) != ClaimRead::ok || exp <= expect.now - expect.skew))
        return {.error = "expired (exp)"};
    // The events claim tells a logout token from an ID token that someone replays at this endpoint ...
    const auto events = claims.find("events");
    if (events == claims.end() || !events->is_object() || !events->contains(kBackChannelLogoutEvent) ||
        !(*events)[kBackChannelLogoutEvent].is_object())
        return {.error = "no back-channel logout event in the events claim"};
    // ... and so does the absence of a nonce (§2.4: a logout token must not carry one).
    if (claims.contains("nonce")) return {.error = "carries a nonce, as only an ID token does"};
    r.sub = string_claim(claims, "sub");
    r.sid = string_claim(claims, "sid");
    if (r.sub.empty() && r.sid.empty()) return {.error = "names neither a subject (sub) nor a session (sid)"};
    return r;
}

}  // namespace gh::oidc
