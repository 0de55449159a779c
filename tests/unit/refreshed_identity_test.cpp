// OIDC Core §12.2 (issue 21, item 10): a refresh whose ID token names another issuer or subject, or whose tokens
// name another user, must end the session rather than renew it as someone else. login::SessionRefresher ends the
// session whenever oidc::identity_change gives a reason; tests/integration/redis_sessions.test.mjs shows it end to
// end with a real IdP.
#include "oidc/refreshed_identity.hpp"

#include <gtest/gtest.h>

#include "jose_test_keys.hpp"

using namespace gh::oidc;

namespace {

// The session's ID token: its signature is not read again (it was verified when received), only its claims.
std::string id_token(const nlohmann::json& claims) {
    return gh::test::b64(std::string(R"({"alg":"RS256","kid":"k"})")) + "." + gh::test::b64(claims.dump()) + ".c2ln";
}

Identity refreshed(std::string iss, std::string sub, std::string user) {
    Identity id;
    id.issuer = std::move(iss);
    id.subject = std::move(sub);
    id.user = std::move(user);
    return id;
}

const std::string kSession = id_token({{"iss", "https://idp"}, {"sub", "alice-sub"}, {"aud", "gatehouse"}});

}  // namespace

TEST(RefreshedIdentity, TheSameIssuerSubjectAndUserKeepTheSession) {
    EXPECT_EQ(identity_change(kSession, "alice-sub", refreshed("https://idp", "alice-sub", "alice-sub")), "");
    // --user-id-claim=email: the user is the address, the subject still the sub.
    EXPECT_EQ(identity_change(kSession, "alice@example.com", refreshed("https://idp", "alice-sub", "alice@example.com")), "");
}

TEST(RefreshedIdentity, AnotherSubjectOrIssuerEndsIt) {
    EXPECT_EQ(identity_change(kSession, "alice-sub", refreshed("https://idp", "mallory-sub", "alice-sub")),
              "the refreshed ID token names another subject (sub)");
    EXPECT_EQ(identity_change(kSession, "alice-sub", refreshed("https://idp", "mallory-sub", "mallory-sub")),
              "the refreshed ID token names another subject (sub)");
    EXPECT_EQ(identity_change(kSession, "alice-sub", refreshed("https://other-idp", "alice-sub", "alice-sub")),
              "the refreshed ID token names another issuer (iss)");
    // Case and look-alikes are other subjects: compared exactly.
    EXPECT_NE(identity_change(kSession, "alice-sub", refreshed("https://idp", "Alice-sub", "alice-sub")), "");
    EXPECT_NE(identity_change(kSession, "alice-sub", refreshed("https://idp/", "alice-sub", "alice-sub")), "");
}

TEST(RefreshedIdentity, AnotherUserEndsItEvenWithoutAnIdToken) {
    // A provider whose identity comes from its API (GitHub): no subject to compare, the user still must match.
    EXPECT_EQ(identity_change("", "octocat", refreshed("", "", "octocat")), "");
    EXPECT_EQ(identity_change("", "octocat", refreshed("", "", "hubot")), "the refreshed tokens name another user");
    // The same sub, but the user claim (an e-mail, say) now says someone else.
    EXPECT_EQ(identity_change(kSession, "alice@example.com", refreshed("https://idp", "alice-sub", "bob@example.com")),
              "the refreshed tokens name another user");
}

TEST(RefreshedIdentity, ASessionWithoutAReadableIdTokenCannotBeComparedSoItEnds) {
    for (const std::string& held : {std::string{}, std::string("not-a-jwt"), std::string("a.!!!.c"),
                                    id_token(nlohmann::json::array())})
        EXPECT_EQ(identity_change(held, "alice-sub", refreshed("https://idp", "alice-sub", "alice-sub")),
                  "the session holds no ID token to compare the refreshed one with")
            << held;
}
