#include "gate/gate.hpp"

#include <gtest/gtest.h>

#include "test_stack.hpp"

using namespace gh;
using gate::Reason;
using gate::Verdict;

namespace {

class GateTest : public ::testing::Test {
protected:
    void configure(std::vector<std::string> extra) { stack = std::make_unique<test::Stack>(std::move(extra)); }
    gate::Decision decide_with(const session::Session& s) {
        header = stack->cookie_for(s);
        return decide_with_header();
    }
    gate::Decision decide_with_header() {
        session::CookieJar jar;
        jar.add_header(header);
        return *stack->gate.decide_now({.cookies = &jar}, loaded);
    }

    std::unique_ptr<test::Stack> stack;
    std::string header;
    session::Session loaded;
};

TEST_F(GateTest, AllowsAValidSessionAndLoadsIt) {
    configure({});
    const auto d = decide_with(test::alice());
    EXPECT_EQ(d.verdict, Verdict::allow);
    EXPECT_EQ(loaded.email, "alice@example.com");
}

TEST_F(GateTest, AsksForSignInWithoutCookie) {
    configure({});
    session::CookieJar jar;
    const auto d = *stack->gate.decide_now({.cookies = &jar}, loaded);
    EXPECT_EQ(d.verdict, Verdict::sign_in_required);
    EXPECT_EQ(d.reason, Reason::no_session);
}

TEST_F(GateTest, AsksForSignInWhenTheSessionExpired) {
    configure({});
    auto s = test::alice();
    s.expires_at = stack->clock.now() + 10;
    decide_with(s);
    stack->clock.advance(11);
    const auto d = decide_with_header();
    EXPECT_EQ(d.verdict, Verdict::sign_in_required);
    EXPECT_EQ(d.reason, Reason::session_expired);
}

TEST_F(GateTest, AsksForSignInWhenTheCookieWasTampered) {
    configure({});
    decide_with(test::alice());
    char& c = header[header.size() - 5];
    c = c == 'A' ? 'B' : 'A';  // still base64url, so the AEAD tag (not the decoder) must catch it
    EXPECT_EQ(decide_with_header().reason, Reason::tampered_cookie);
}

TEST_F(GateTest, ForbidsEmailOutsideTheAllowedDomains) {
    configure({"--email-domain=corp.com"});
    const auto d = decide_with(test::alice());
    EXPECT_EQ(d.verdict, Verdict::forbidden);
    EXPECT_EQ(d.reason, Reason::email_domain_not_allowed);
}

TEST_F(GateTest, ForbidsUsersOutsideAllowedGroups) {
    configure({"--allowed-group=/admins"});
    EXPECT_EQ(decide_with(test::alice()).reason, Reason::group_not_allowed);
    configure({"--allowed-group=/admins,/platform-team"});
    EXPECT_EQ(decide_with(test::alice()).verdict, Verdict::allow);
}

}  // namespace
