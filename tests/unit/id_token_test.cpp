#include "oidc/token_claims.hpp"

#include <gtest/gtest.h>

#include "oidc/claims.hpp"

using namespace gh::oidc;
using json = nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

json valid_claims() {
    return {{"iss", "https://idp/realms/internal"}, {"sub", "u-1"}, {"aud", "gatehouse"}, {"exp", kNow + 300},
            {"iat", kNow - 5}, {"nonce", "n-123"}};
}

TokenExpectations expect() {
    TokenExpectations e;
    e.issuer = "https://idp/realms/internal";
    e.audiences = {"gatehouse"};
    e.nonce = "n-123";
    e.now = kNow;
    return e;
}

}  // namespace

TEST(IdTokenClaims, AcceptsAValidToken) { EXPECT_EQ(check_token_claims(valid_claims(), expect()), ""); }

TEST(IdTokenClaims, RejectsEachBrokenClaim) {
    auto c = valid_claims();
    c["iss"] = "https://evil";
    EXPECT_NE(check_token_claims(c, expect()), "");
    c = valid_claims();
    c["aud"] = "other-client";
    EXPECT_EQ(check_token_claims(c, expect()), "audience is not one this deployment accepts");
    c = valid_claims();
    c["exp"] = kNow - 61;
    EXPECT_EQ(check_token_claims(c, expect()), "token expired");
    c = valid_claims();
    c["iat"] = kNow + 120;
    EXPECT_EQ(check_token_claims(c, expect()), "token issued in the future (iat)");
    c = valid_claims();
    c["nbf"] = kNow + 120;
    EXPECT_EQ(check_token_claims(c, expect()), "token not yet valid (nbf)");
    c = valid_claims();
    c["nonce"] = "n-124";
    EXPECT_EQ(check_token_claims(c, expect()), "nonce does not match");
    c = valid_claims();
    c.erase("nonce");
    EXPECT_EQ(check_token_claims(c, expect()), "nonce does not match");
    c = valid_claims();
    c.erase("exp");
    EXPECT_EQ(check_token_claims(c, expect()), "no expiry (exp)");
    c = valid_claims();
    c.erase("sub");
    EXPECT_EQ(check_token_claims(c, expect()), "no subject (sub)");
}

TEST(IdTokenClaims, ToleratesSmallClockSkew) {
    auto c = valid_claims();
    c["exp"] = kNow - 30;
    c["iat"] = kNow + 30;
    EXPECT_EQ(check_token_claims(c, expect()), "");
}

TEST(IdTokenClaims, NeedsAzpWhenThereAreSeveralAudiences) {
    auto c = valid_claims();
    c["aud"] = json::array({"gatehouse", "other"});
    EXPECT_NE(check_token_claims(c, expect()), "");
    c["azp"] = "gatehouse";
    EXPECT_EQ(check_token_claims(c, expect()), "");
    c["azp"] = "other";
    EXPECT_NE(check_token_claims(c, expect()), "");
}

TEST(IdentityFromClaims, ExtractsUserEmailUsernameAndGroups) {
    const json claims{{"sub", "u-1"}, {"email", "a@example.com"}, {"email_verified", true},
                      {"preferred_username", "alice"}, {"groups", {"/dev", "/ops"}}};
    const auto r = extract_identity(claims, ClaimNames{});
    ASSERT_TRUE(r.identity) << r.error;
    EXPECT_EQ(r.identity->user, "u-1");
    EXPECT_EQ(r.identity->email, "a@example.com");
    EXPECT_EQ(r.identity->preferred_username, "alice");
    EXPECT_EQ(r.identity->groups, (std::vector<std::string>{"/dev", "/ops"}));
}

TEST(IdentityFromClaims, ReadsGroupsFromADottedPath) {
    const json claims{{"sub", "u-1"}, {"realm_access", {{"roles", {"admin", "user"}}}}};
    ClaimNames names;
    names.groups = "realm_access.roles";
    EXPECT_EQ(extract_identity(claims, names).identity->groups, (std::vector<std::string>{"admin", "user"}));
    const json namespaced{{"sub", "u-1"}, {"https://example.com/groups", {"g"}}};
    names.groups = "https://example.com/groups";
    EXPECT_EQ(extract_identity(namespaced, names).identity->groups, std::vector<std::string>{"g"});
}

TEST(IdentityFromClaims, RequiresAVerifiedEmailUnlessAllowed) {
    json claims{{"sub", "u-1"}, {"email", "a@example.com"}, {"email_verified", false}};
    EXPECT_EQ(extract_identity(claims, ClaimNames{}).error,
              "email 'a@example.com' is not verified (email_verified is false; "
              "--insecure-oidc-allow-unverified-email accepts it)");
    ClaimNames lax;
    lax.allow_unverified_email = true;
    EXPECT_TRUE(extract_identity(claims, lax).identity);
    // Absent: verified, as oauth2-proxy takes it (many IdPs send no email_verified) ...
    claims.erase("email_verified");
    EXPECT_EQ(extract_identity(claims, ClaimNames{}).identity->email, "a@example.com");
    // ... but for a claim whose absence means "not verified" (Entra ID's xms_edov).
    ClaimNames entra;
    entra.email_verified = "xms_edov";
    entra.absent_means_verified = false;
    EXPECT_EQ(extract_identity(claims, entra).error,
              "email 'a@example.com' is not verified (xms_edov is absent; "
              "--insecure-oidc-allow-unverified-email accepts it)");
    claims["xms_edov"] = true;
    EXPECT_TRUE(extract_identity(claims, entra).identity);
    claims.erase("xms_edov");
    // Only a JSON boolean says yes: the string "true" is a claim of the wrong type (issue 21, item 10).
    claims["email_verified"] = "true";
    EXPECT_EQ(extract_identity(claims, ClaimNames{}).error, "claim 'email_verified' is not a boolean");
    EXPECT_FALSE(extract_identity(claims, lax).identity) << "a wrong type is refused even where unverified is allowed";
}

TEST(IdToken, ClaimsThatAreNotAnObjectAreRefusedNotThrownOn) {
    // Found by the jws fuzzer (tests/fuzz/corpus/jws/regression-non-object-claims).
    gh::oidc::TokenExpectations e;
    e.issuer = "https://idp";
    e.audiences = {"gatehouse"};
    for (const auto& claims : {nlohmann::json(0), nlohmann::json::array(), nlohmann::json("x")})
        EXPECT_EQ(gh::oidc::check_token_claims(claims, e), "claims are not a JSON object");
}

TEST(IdToken, ClaimsOfTheWrongTypeAreRefusedNotThrownOn) {
    // Found by the jws fuzzer (tests/fuzz/corpus/jws/regression-numeric-azp): "azp" as a number.
    gh::oidc::TokenExpectations e;
    e.issuer = "https://idp";
    e.audiences = {"gatehouse"};
    e.now = 1'800'000'000;
    const nlohmann::json claims = {{"iss", "https://idp"}, {"aud", "gatehouse"}, {"sub", "a"}, {"azp", 1800000000},
                                   {"exp", 1'900'000'000}, {"nonce", 7}};
    EXPECT_NE(gh::oidc::check_token_claims(claims, e), "");
    const nlohmann::json numeric_iss = {{"iss", 5}, {"sub", "a"}};
    EXPECT_EQ(gh::oidc::check_token_claims(numeric_iss, e), "claim 'iss' is not a string");
}
