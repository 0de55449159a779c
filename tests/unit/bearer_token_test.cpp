// The claims a bearer token must carry (after its signature verified: the checks every token gets,
// oidc/token_claims.hpp), the issuer it claims before that, and the Authorization header it comes in.
#include "oidc/bearer_token.hpp"
#include "oidc/token_claims.hpp"

#include <gtest/gtest.h>

#include "crypto/base64.hpp"
#include "gate/credentials.hpp"

using namespace gh::oidc;
using json = nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

json valid_claims() {
    // A client-credentials access token (RFC 9068): `client_id` names the calling program, `aud` us.
    return {{"iss", "https://idp/realms/internal"}, {"sub", "ci-job"}, {"aud", "gatehouse"}, {"exp", kNow + 300},
            {"iat", kNow - 5}, {"client_id", "ci-job"}};
}

TokenExpectations expect() {
    TokenExpectations e;
    e.issuer = "https://idp/realms/internal";
    e.audiences = {"gatehouse", "reports-api"};
    e.now = kNow;
    return e;
}

std::string jwt_with(const json& payload) {
    const auto part = [](const std::string& s) { return gh::crypto::base64url_encode(gh::crypto::as_bytes(s)); };
    return part(R"({"alg":"RS256"})") + "." + part(payload.dump()) + ".c2ln";
}

}  // namespace

TEST(BearerClaims, AcceptsATokenForAnAcceptedAudience) {
    EXPECT_EQ(check_token_claims(valid_claims(), expect()), "");
    auto c = valid_claims();
    c["aud"] = "reports-api";
    EXPECT_EQ(check_token_claims(c, expect()), "") << "any accepted audience";
    c["aud"] = json::array({"gatehouse", "reports-api"});
    c["azp"] = "gatehouse";
    EXPECT_EQ(check_token_claims(c, expect()), "") << "several audiences, authorized party one of ours";
}

// Issue 21, item 10: `azp` is judged as the callback judges it (OIDC Core §3.1.3.7): when present, or when the
// token names several audiences, it must be one of ours. A token issued to another client is not ours to accept.
TEST(BearerClaims, AnAuthorizedPartyThatIsNotOursIsRefusedAsAtTheCallback) {
    auto c = valid_claims();
    c["azp"] = "ci-job";
    EXPECT_EQ(check_token_claims(c, expect()), "authorized party (azp) 'ci-job' is not the client id");
    c["aud"] = json::array({"other", "reports-api"});
    EXPECT_EQ(check_token_claims(c, expect()), "authorized party (azp) 'ci-job' is not the client id");
    c.erase("azp");
    EXPECT_EQ(check_token_claims(c, expect()), "several audiences and no authorized party (azp)");
}

TEST(BearerClaims, RefusesWhatTheTokenDoesNotProve) {
    const auto with = [](const char* key, json value) {
        auto c = valid_claims();
        if (value.is_null()) c.erase(key);
        else c[key] = std::move(value);
        return check_token_claims(c, expect());
    };
    EXPECT_EQ(with("iss", "https://evil"), "issuer 'https://evil' is not 'https://idp/realms/internal'");
    EXPECT_EQ(with("iss", 7), "claim 'iss' is not a string");
    EXPECT_EQ(with("sub", nullptr), "no subject (sub)");
    EXPECT_EQ(with("aud", "someone-else"), "audience is not one this deployment accepts");
    EXPECT_EQ(with("aud", nullptr), "audience is not one this deployment accepts");
    EXPECT_EQ(with("exp", nullptr), "no expiry (exp)");
    EXPECT_EQ(with("exp", "tomorrow"), "claim 'exp' is not a number");
    EXPECT_EQ(with("exp", kNow - 61), "token expired");
    EXPECT_EQ(with("exp", kNow - 59), "") << "within the clock skew";
    EXPECT_EQ(with("nbf", kNow + 120), "token not yet valid (nbf)");
    EXPECT_EQ(with("iat", kNow + 120), "token issued in the future (iat)");
    EXPECT_EQ(check_token_claims(json::array({1, 2}), expect()), "claims are not a JSON object");
}

TEST(BearerClaims, TheUnverifiedIssuerOnlyChoosesKeys) {
    EXPECT_EQ(unverified_issuer(jwt_with(valid_claims())), "https://idp/realms/internal");
    EXPECT_EQ(unverified_issuer(jwt_with({{"sub", "x"}})), std::nullopt);
    EXPECT_EQ(unverified_issuer(jwt_with({{"iss", 42}})), std::nullopt);
    EXPECT_EQ(unverified_issuer("not-a-jwt"), std::nullopt);
    EXPECT_EQ(unverified_issuer("a.b"), std::nullopt);
    EXPECT_EQ(unverified_issuer("a.b.c.d"), std::nullopt);
    EXPECT_EQ(unverified_issuer("e30.!!!.c2ln"), std::nullopt);
}

TEST(BearerHeader, TakesTheTokenOfABearerAuthorization) {
    using gh::gate::bearer_token_of;
    EXPECT_EQ(bearer_token_of("Bearer abc.def.ghi"), "abc.def.ghi");
    EXPECT_EQ(bearer_token_of("bearer   abc.def.ghi  "), "abc.def.ghi");
    EXPECT_EQ(bearer_token_of("BEARER x"), "x");
    EXPECT_EQ(bearer_token_of("Basic dXNlcjpwdw=="), "");
    EXPECT_EQ(bearer_token_of("Bearer"), "");
    EXPECT_EQ(bearer_token_of("Bearer "), "");
    EXPECT_EQ(bearer_token_of("Bearerabc"), "");
    EXPECT_EQ(bearer_token_of(""), "");
}
