#include "login/login_state.hpp"

#include <gtest/gtest.h>

using namespace gh::login;

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef";
LoginStateCookie cookie(std::string name = "_oauth2_proxy_csrf") {
    return LoginStateCookie(gh::crypto::as_bytes(kSecret), std::move(name));
}
}  // namespace

TEST(LoginState, FreshStatesAreRandomAndLongEnough) {
    const auto a = new_login_state("/x", "https://auth/cb", 100);
    const auto b = new_login_state("/x", "https://auth/cb", 100);
    EXPECT_NE(a.state, b.state);
    EXPECT_NE(a.nonce, b.nonce);
    EXPECT_NE(a.code_verifier, b.code_verifier);
    EXPECT_GE(a.code_verifier.size(), 43u);  // RFC 7636: 43 to 128 characters
}

TEST(LoginStateCookie, RoundTripsUntilExpiry) {
    const auto s = new_login_state("https://app/x", "https://auth/cb", 1000);
    const auto value = cookie().seal(s);
    const auto back = cookie().open(value, 999);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->state, s.state);
    EXPECT_EQ(back->nonce, s.nonce);
    EXPECT_EQ(back->code_verifier, s.code_verifier);
    EXPECT_EQ(back->rd, "https://app/x");
    EXPECT_EQ(back->redirect_uri, "https://auth/cb");
    EXPECT_FALSE(cookie().open(value, 1000));
}

TEST(LoginStateCookie, RejectsTamperingAndOtherCookieNames) {
    const auto value = cookie().seal(new_login_state("/", "https://auth/cb", 1000));
    auto tampered = value;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(cookie().open(tampered, 1));
    EXPECT_FALSE(cookie("_oauth2_proxy").open(value, 1));
    EXPECT_FALSE(cookie().open("", 1));
}
