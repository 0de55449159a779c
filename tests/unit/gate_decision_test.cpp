// The gate's one decision: the original request as a door read it, the policy file, and a session renewed inside
// the decision (--cookie-refresh) — with a policy file on disk as in production.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>
#include <fstream>

#include "gate/gate.hpp"
#include "test_stack.hpp"

using namespace gh;
using gate::Reason;
using gate::Verdict;

namespace {

session::Session bob() {
    auto s = test::alice();
    s.user = "bob-sub";
    s.email = "bob@example.com";
    s.groups = {"/dev"};
    return s;
}

// What the IdP says when asked to renew: a stand-in for login::SessionRefresher (which the integration tests run
// against a real IdP), so that the gate's part — renew first, then decide on what came back — is seen alone.
class ScriptedRenewal final : public gate::SessionRenewal {
public:
    gate::RenewalOutcome outcome = gate::RenewalOutcome::renewed;
    std::vector<std::string> groups_after;  // the renewed session's groups
    mutable int calls = 0;

    bool due(const session::Session& s) const override { return s.refresh_after != 0 && s.refresh_after < test::kNow; }
    boost::asio::awaitable<gate::RenewalOutcome> renew(session::Session& s, const session::CookieJar&, std::string host,
                                                       std::vector<std::string>& set_cookies) const override {
        ++calls;
        set_cookies.push_back("_oauth2_proxy=renewed-for-" + host);
        if (outcome == gate::RenewalOutcome::renewed) {
            s.groups = groups_after;
            s.refresh_after = test::kNow + 600;
        }
        co_return outcome;
    }
};

class GateDecision : public ::testing::Test {
protected:
    void SetUp() override {
        path_ =
            std::filesystem::temp_directory_path() / ("gatehouse-gate-policy-" + std::to_string(::getpid()) + ".yaml");
        std::ofstream(path_) << R"(
rules:
  - host: app.example.test
    path: /public
    public: true
  - host: app.example.test
    path: /admin
    allow: {groups: [/admins]}
  - host: app.example.test
    allow: {email_domains: [example.com]}
)";
        policy_ =
            std::make_unique<authz::WatchedFile<authz::Policy>>("policy-file", path_.string(), authz::Policy::parse);
        stack_ = std::make_unique<test::Stack>(std::vector<std::string>{"--email-domain=*"});
        gate_ = std::make_unique<gate::Gate>(gh::options::gate_config(*stack_->options), stack_->store, stack_->clock, nullptr, policy_.get(),
                                             gate::CredentialVerifiers{}, &renewal_);
    }
    void TearDown() override { std::filesystem::remove(path_); }

    gate::OriginalRequest request(std::string_view path, std::string_view host = "app.example.test") {
        jar_.clear();
        jar_.add_header(cookie_);
        return {.cookies = &jar_, .method = "GET", .path = path, .host = host, .cookie_host = host};
    }
    gate::Decision decide(const gate::OriginalRequest& r) {
        boost::asio::io_context io;
        auto f = boost::asio::co_spawn(io, gate_->decide(r, loaded_), boost::asio::use_future);
        io.run();
        return f.get();
    }
    void sign_in(session::Session s) { cookie_ = stack_->cookie_for(s); }

    std::filesystem::path path_;
    std::unique_ptr<authz::WatchedFile<authz::Policy>> policy_;
    std::unique_ptr<test::Stack> stack_;
    ScriptedRenewal renewal_;
    std::unique_ptr<gate::Gate> gate_;
    std::string cookie_;
    session::CookieJar jar_;
    session::Session loaded_;
};

}  // namespace

TEST_F(GateDecision, AnUnreadableRequestIsRefusedBeforeAnyRule) {
    auto r = request("/public");
    r.unreadable = "X-Original-URL sent twice";
    auto d = *gate_->decide_now(r, loaded_);
    EXPECT_EQ(d.verdict, Verdict::malformed);
    EXPECT_EQ(d.reason, Reason::original_request_unclear);
    EXPECT_EQ(d.detail, "X-Original-URL sent twice");
    r.untrusted = true;
    EXPECT_EQ(gate_->decide_now(r, loaded_)->reason, Reason::original_request_untrusted);
}

TEST_F(GateDecision, PathsAreMatchedAsTheAppRoutesThem) {
    sign_in(bob());
    // Every reading of these leads to the /admin rule.
    for (const char* path : {"/admin", "/admin/x;y", "/%61dmin", "/admin/", "/admin/x//y"}) {
        const auto d = *gate_->decide_now(request(path), loaded_);
        EXPECT_EQ(d.verdict, Verdict::forbidden) << path;
        EXPECT_EQ(d.reason, Reason::policy_not_allowed) << path;
    }
    // Dot segments (Flask's "/admin/<path>" serves "/admin/../public/x"), encoded separators, and paths whose
    // servlet reading (";params" dropped, "//" folded) and plain reading lead to different rules: refused.
    for (const char* path : {"/admin;x", "/admin%3Bx", "/admin;x/y", "//admin", "/public;x/logo.png", "/public/../admin",
                             "/admin/../public/x", "/public;/../admin", "/public/..;/admin", "/public/%2e%2e/admin",
                             "/admin/./x", "/public/secret%23/x", "/admin%2Fx", "/a%5Cb", "/public/a%3Fb"}) {
        const auto d = *gate_->decide_now(request(path), loaded_);
        EXPECT_EQ(d.verdict, Verdict::malformed) << path;
        EXPECT_EQ(d.reason, Reason::original_request_unclear) << path;
    }
    // Where both readings agree, parameters are harmless.
    EXPECT_EQ(gate_->decide_now(request("/other;jsessionid=1"), loaded_)->verdict, Verdict::allow);
    EXPECT_EQ(gate_->decide_now(request("/public/logo.png;v=2"), loaded_)->reason, Reason::public_route);
    EXPECT_EQ(gate_->decide_now(request("/other"), loaded_)->verdict, Verdict::allow);
}

TEST_F(GateDecision, LetterCaseThatChangesTheRuleIsRefused) {
    // Express, ASP.NET and IIS serve "/ADMIN" as "/admin": a reading that ignores case leads to the admin rule.
    sign_in(bob());
    for (const char* path : {"/ADMIN", "/Admin/users", "/aDmIn/"})
        EXPECT_EQ(gate_->decide_now(request(path), loaded_)->reason, Reason::original_request_unclear) << path;
    // Case that changes nothing is harmless: both readings reach the catch-all (or the same rule).
    EXPECT_EQ(gate_->decide_now(request("/Reports/Q1"), loaded_)->verdict, Verdict::allow);
    EXPECT_EQ(gate_->decide_now(request("/admin/Users"), loaded_)->reason, Reason::policy_not_allowed);
}

TEST_F(GateDecision, MethodsAreMatchedAsAppsRunThem) {
    // A rule for GET covers HEAD (which runs the GET handler) and "get" (which frameworks upper-case).
    std::ofstream(path_) << R"(
rules:
  - host: app.example.test
    path: /reports
    methods: [GET, POST]
    allow: {groups: [/admins]}
  - host: app.example.test
    allow: {email_domains: [example.com]}
)";
    ASSERT_EQ(policy_->reload(), "");
    sign_in(bob());
    for (const char* method : {"GET", "get", "Get", "HEAD", "head", "post"}) {
        auto r = request("/reports");
        r.method = method;
        EXPECT_EQ(gate_->decide_now(r, loaded_)->reason, Reason::policy_not_allowed) << method;
    }
    auto r = request("/reports");
    r.method = "DELETE";
    EXPECT_EQ(gate_->decide_now(r, loaded_)->verdict, Verdict::allow);
}

TEST_F(GateDecision, ReverseProxyModeRefusesHostsThePolicyDoesNotName) {
    // Even where the policy file leaves unnamed hosts to the global rules.
    std::ofstream(path_, std::ios::app) << "unnamed_hosts: global_rules\n";
    ASSERT_EQ(policy_->reload(), "");
    sign_in(bob());
    auto r = request("/other", "elsewhere.example.test");
    EXPECT_EQ(gate_->decide_now(r, loaded_)->verdict, Verdict::allow) << "forward auth: the global rules decide";
    r.every_host_covered = true;
    const auto d = *gate_->decide_now(r, loaded_);
    EXPECT_EQ(d.verdict, Verdict::forbidden);
    EXPECT_EQ(d.reason, Reason::policy_no_rule);
}

TEST_F(GateDecision, HostsThePolicyDoesNotNameAreRefusedOnEveryDoor) {
    sign_in(bob());
    const auto d = *gate_->decide_now(request("/other", "elsewhere.example.test"), loaded_);
    EXPECT_EQ(d.verdict, Verdict::forbidden);
    EXPECT_EQ(d.reason, Reason::policy_no_rule);
}

TEST_F(GateDecision, ARenewalDueIsDoneInsideTheDecisionAndThePolicyAppliesToItsResult) {
    auto admin = bob();
    admin.groups = {"/admins"};
    admin.refresh_after = test::kNow - 1;
    sign_in(admin);
    // Due: never decided on the old session without suspending.
    EXPECT_FALSE(gate_->decide_now(request("/admin"), loaded_));
    // The IdP says bob left /admins: the policy refuses /admin with the renewed groups, and the new cookie rides along.
    renewal_.groups_after = {"/dev"};
    auto d = decide(request("/admin"));
    EXPECT_EQ(renewal_.calls, 1);
    EXPECT_EQ(d.verdict, Verdict::forbidden);
    EXPECT_EQ(d.reason, Reason::policy_not_allowed);
    EXPECT_EQ(d.set_cookies, std::vector<std::string>{"_oauth2_proxy=renewed-for-app.example.test"});
    // ...and still allows the rest of the app.
    d = decide(request("/other"));
    EXPECT_EQ(d.verdict, Verdict::allow);
    EXPECT_EQ(d.set_cookies.size(), 1u);
}

TEST_F(GateDecision, ARefusedRenewalEndsTheSessionAnUnreachableIdpKeepsIt) {
    auto s = bob();
    s.refresh_after = test::kNow - 1;
    sign_in(s);
    renewal_.outcome = gate::RenewalOutcome::refused;
    auto d = decide(request("/other"));
    EXPECT_EQ(d.verdict, Verdict::sign_in_required);
    EXPECT_EQ(d.reason, Reason::session_expired);
    EXPECT_EQ(d.set_cookies.size(), 1u);
    renewal_.outcome = gate::RenewalOutcome::unavailable;
    d = decide(request("/other"));
    EXPECT_EQ(d.verdict, Verdict::allow);
    EXPECT_EQ(loaded_.email, "bob@example.com");
}

TEST_F(GateDecision, PublicRoutesAreNeverRenewed) {
    auto s = bob();
    s.refresh_after = test::kNow - 1;
    sign_in(s);
    EXPECT_EQ(gate_->decide_now(request("/public/x"), loaded_)->reason, Reason::public_route);
    EXPECT_EQ(renewal_.calls, 0);
}
