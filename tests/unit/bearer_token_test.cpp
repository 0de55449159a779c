// The claims a bearer token must carry (after its signature verified), the issuer it claims before that, and
// the Authorization header it comes in.
#include "oidc/bearer_token.hpp"

#include <gtest/gtest.h>

#include "crypto/base64.hpp"
#include "gate/credentials.hpp"

using namespace gh::oidc;
using json = nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

json valid_claims() {
    return {{"iss", "https://idp/realms/internal"}, {"sub", "ci-job"}, {"aud", "gatehouse"}, {"exp", kNow + 300},
            {"iat", kNow - 5}, {"client_id", "ci-job"}, {"azp", "ci-job"}};
}

BearerExpectations expect() {
    BearerExpectations e;
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

TEST(BearerClaims, AcceptsAClientCredentialsTokenWhoseAzpIsTheCallingClient) {
    EXPECT_EQ(check_bearer_claims(valid_claims(), expect()), "");
    auto c = valid_claims();
    c["aud"] = json::array({"other", "reports-api"});
    EXPECT_EQ(check_bearer_claims(c, expect()), "") << "any accepted audience in a list";
}

TEST(BearerClaims, RefusesWhatTheTokenDoesNotProve) {
    const auto with = [](const char* key, json value) {
        auto c = valid_claims();
        if (value.is_null()) c.erase(key);
        else c[key] = std::move(value);
        return check_bearer_claims(c, expect());
    };
    EXPECT_EQ(with("iss", "https://evil"), "issuer 'https://evil' is not 'https://idp/realms/internal'");
    EXPECT_EQ(with("iss", 7), "issuer '' is not 'https://idp/realms/internal'");
    EXPECT_EQ(with("sub", nullptr), "no subject (sub)");
    EXPECT_EQ(with("aud", "someone-else"), "audience is not one this deployment accepts");
    EXPECT_EQ(with("aud", nullptr), "audience is not one this deployment accepts");
    EXPECT_EQ(with("exp", nullptr), "no expiry (exp)");
    EXPECT_EQ(with("exp", "tomorrow"), "no expiry (exp)");
    EXPECT_EQ(with("exp", kNow - 61), "token expired");
    EXPECT_EQ(with("exp", kNow - 59), "") << "within the clock skew";
    EXPECT_EQ(with("nbf", kNow + 120), "token not yet valid (nbf)");
    EXPECT_EQ(with("iat", kNow + 120), "token issued in the future (iat)");
    EXPECT_EQ(check_bearer_claims(json::array({1, 2}), expect()), "claims are not a JSON object");
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
