#include "gate/gate.hpp"

#include <gtest/gtest.h>

#include "test_options.hpp"
#include "test_sessions.hpp"

using namespace gh;
using gate::Reason;
using gate::Verdict;

namespace {

class GateTest : public ::testing::Test {
protected:
    void configure(std::vector<std::string> extra) {
        options = std::make_shared<const options::Options>(test::must_parse(test::base_args(std::move(extra))));
        store = std::make_unique<session::CookieSessionStore>(crypto::as_bytes(options->cookie_secret.reveal()),
                                                              options->cookie_name);
        g = std::make_unique<gate::Gate>(options, *store, clock);
    }
    gate::Decision decide_with(const session::Session& s) {
        const auto set = store->save(s, session::CookieJar{}, session::CookieAttributes{}, clock.now());
        header = set.front().substr(0, set.front().find(';'));
        session::CookieJar jar;
        jar.add_header(header);
        return g->decide({&jar}, loaded);
    }

    ManualClock clock{test::kNow};
    std::shared_ptr<const options::Options> options;
    std::unique_ptr<session::CookieSessionStore> store;
    std::unique_ptr<gate::Gate> g;
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
    const auto d = g->decide({&jar}, loaded);
    EXPECT_EQ(d.verdict, Verdict::sign_in_required);
    EXPECT_EQ(d.reason, Reason::no_session);
}

TEST_F(GateTest, AsksForSignInWhenTheSessionExpired) {
    configure({});
    auto s = test::alice();
    s.expires_at = clock.now() + 10;
    decide_with(s);
    clock.advance(11);
    session::CookieJar jar;
    jar.add_header(header);
    const auto d = g->decide({&jar}, loaded);
    EXPECT_EQ(d.verdict, Verdict::sign_in_required);
    EXPECT_EQ(d.reason, Reason::session_expired);
}

TEST_F(GateTest, AsksForSignInWhenTheCookieWasTampered) {
    configure({});
    decide_with(test::alice());
    header[header.size() - 5] ^= 1;
    session::CookieJar jar;
    jar.add_header(header);
    EXPECT_EQ(g->decide({&jar}, loaded).reason, Reason::tampered_cookie);
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
