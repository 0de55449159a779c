// How the gate decides on credentials in the Authorization header, whatever verified them: the token or password
// decides; a failed bearer token lets a valid session cookie decide only with --bearer-token-login-fallback; users
// of --htpasswd-file pass the e-mail rules but not the group rules. The verifier here is a stand-in that answers
// what the test says (the real ones, credentials::BearerTokens and BasicAuth, are tested against a real IdP and a real
// htpasswd file in bearer_tokens.test.mjs and htpasswd.test.mjs).
#include <gtest/gtest.h>

#include "gate/gate.hpp"
#include "test_stack.hpp"

using namespace gh;
using gate::CredentialCheck;
using gate::Reason;
using gate::Verdict;
using Outcome = CredentialCheck::Outcome;

namespace {

class AnsweringVerifier final : public gate::CredentialVerifier {
public:
    Outcome outcome = Outcome::ok;
    session::Session identity;
    mutable std::string seen;  // the credential the gate passed on

    std::optional<CredentialCheck> find_now(std::string_view credential, session::Session& out) const override {
        seen = credential;
        if (outcome == Outcome::ok) out = identity;
        return CredentialCheck{outcome, outcome == Outcome::ok ? "" : "because the test says so"};
    }
    boost::asio::awaitable<CredentialCheck> verify(std::string_view, std::string_view, session::Session&) const override {
        co_return CredentialCheck{};
    }
};

class GateCredentials : public ::testing::Test {
protected:
    gate::Decision decide(std::vector<std::string> flags, std::string_view authorization, bool with_cookie = false,
                          std::string_view query = {}) {
        stack = std::make_unique<test::Stack>(std::move(flags));
        gate = std::make_unique<gate::Gate>(gh::options::gate_config(*stack->options), stack->store, stack->clock, nullptr, nullptr,
                                            gate::CredentialVerifiers{.bearer = &bearer, .basic = &basic});
        cookie = with_cookie ? stack->cookie_for(test::alice()) : "";
        session::CookieJar jar;
        jar.add_header(cookie);
        gate::OriginalRequest request{.cookies = &jar, .authorization = authorization};
        request.route = gate::route_rules_from_query(query);
        return *gate->decide_now(request, loaded);
    }

    AnsweringVerifier bearer, basic;
    std::unique_ptr<test::Stack> stack;
    std::unique_ptr<gate::Gate> gate;
    std::string cookie;
    session::Session loaded;
};

session::Session machine(std::string user, std::vector<std::string> groups, std::string email = {}) {
    session::Session s;
    s.user = std::move(user);
    s.email = std::move(email);
    s.groups = std::move(groups);
    s.expires_at = test::kNow + 300;
    return s;
}

}  // namespace

TEST_F(GateCredentials, AVerifiedBearerTokenIsTheIdentityAndTheUsualRulesApply) {
    bearer.identity = machine("ci-job", {"/ci"}, "ci@example.com");
    auto d = decide({"--email-domain=example.com"}, "Bearer a.b.c");
    EXPECT_EQ(d.verdict, Verdict::allow);
    EXPECT_EQ(bearer.seen, "a.b.c");
    EXPECT_EQ(loaded.user, "ci-job");
    d = decide({"--email-domain=elsewhere.com"}, "Bearer a.b.c");
    EXPECT_EQ(d.reason, Reason::email_domain_not_allowed) << "a token is not a way around the e-mail rules";
    d = decide({}, "Bearer a.b.c", false, "allowed_groups=/admins");
    EXPECT_EQ(d.reason, Reason::route_group_not_allowed);
}

TEST_F(GateCredentials, AFailedTokenBesideAValidCookieFallsBackToTheCookieOnlyWhenAllowed) {
    bearer.outcome = Outcome::invalid;
    auto d = decide({}, "Bearer bad", true);
    EXPECT_EQ(d.verdict, Verdict::allow);
    EXPECT_EQ(loaded.email, test::alice().email) << "the cookie's user, not the token's";
    d = decide({}, "Bearer bad", false);
    EXPECT_EQ(d.verdict, Verdict::sign_in_required);
    EXPECT_EQ(d.reason, Reason::bearer_token_invalid);
    EXPECT_EQ(d.detail, "because the test says so");
    d = decide({"--bearer-token-login-fallback=false"}, "Bearer bad", true);
    EXPECT_EQ(d.verdict, Verdict::forbidden);
    EXPECT_EQ(d.reason, Reason::bearer_token_invalid);
    bearer.outcome = Outcome::expired;
    EXPECT_EQ(decide({}, "Bearer old", false).reason, Reason::bearer_token_expired);
    bearer.outcome = Outcome::unavailable;
    EXPECT_EQ(decide({}, "Bearer x", false).verdict, Verdict::unavailable);
}

TEST_F(GateCredentials, HtpasswdUsersPassTheEmailRulesButNotTheGroupRules) {
    basic.identity = machine("backup", {"/robots"});
    auto d = decide({"--email-domain=example.com"}, "Basic YmFja3VwOnB3");
    EXPECT_EQ(d.verdict, Verdict::allow);
    EXPECT_EQ(basic.seen, "YmFja3VwOnB3");
    d = decide({"--allowed-group=/admins"}, "Basic YmFja3VwOnB3");
    EXPECT_EQ(d.reason, Reason::group_not_allowed);
    basic.outcome = Outcome::invalid;
    d = decide({}, "Basic YmFja3VwOnB3", true);
    EXPECT_EQ(d.reason, Reason::basic_auth_invalid) << "no fallback to the cookie for a wrong password";
    basic.outcome = Outcome::rate_limited;
    d = decide({}, "Basic YmFja3VwOnB3");
    EXPECT_EQ(d.verdict, Verdict::forbidden);
    EXPECT_EQ(d.reason, Reason::basic_auth_rate_limited);
}

TEST_F(GateCredentials, OtherSchemesAndSwitchedOffKindsAreNoCredentials) {
    EXPECT_EQ(decide({}, "Digest username=x").reason, Reason::no_session);
    EXPECT_EQ(bearer.seen, "");
    // Without a verifier for bearer tokens, a token is ignored and the cookie decides.
    stack = std::make_unique<test::Stack>(std::vector<std::string>{});
    gate = std::make_unique<gate::Gate>(gh::options::gate_config(*stack->options), stack->store, stack->clock);
    session::CookieJar jar;
    EXPECT_EQ(gate->decide_now({.cookies = &jar, .authorization = "Bearer a.b.c"}, loaded)->reason, Reason::no_session);
}
