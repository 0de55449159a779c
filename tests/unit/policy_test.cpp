#include "authz/policy.hpp"

#include <gtest/gtest.h>

#include "test_sessions.hpp"

using namespace gh::authz;

namespace {

const char* kPolicy = R"(rules:
  - host: app1.example.com
    path: /public
    public: true
  - host: app1.example.com
    path: /admin
    methods: [GET, post]
    allow:
      groups: [/admins]
  - host: app1.example.com
    allow:
      email_domains: [example.com]
  - host: "*.tools.example.com"
    allow:
      emails: [alice@example.com]
  - host: grafana.tools.example.com
    path: /login
    public: true
)";

struct Case {
    const char* host;
    const char* path;
    const char* method;
    PolicyVerdict verdict;
    int line;  // of the deciding rule, 0 for none
};

}  // namespace

TEST(Policy, FirstMatchingRuleDecides) {
    const auto p = Policy::parse(kPolicy);
    EXPECT_EQ(p.rule_count(), 5u);
    const std::vector<Case> cases{
        {"app1.example.com", "/public/logo.png", "GET", PolicyVerdict::public_access, 2},
        {"app1.example.com", "/public", "GET", PolicyVerdict::public_access, 2},
        {"app1.example.com", "/publicity", "GET", PolicyVerdict::needs_user, 10},
        {"APP1.example.com:443", "/admin/users", "GET", PolicyVerdict::needs_user, 5},
        {"app1.example.com", "/admin", "POST", PolicyVerdict::needs_user, 5},
        {"app1.example.com", "/admin", "DELETE", PolicyVerdict::needs_user, 10},
        {"app1.example.com", "/", "GET", PolicyVerdict::needs_user, 10},
        {"grafana.tools.example.com", "/login", "GET", PolicyVerdict::needs_user, 13},  // the wildcard rule is first
        {"x.tools.example.com", "/", "GET", PolicyVerdict::needs_user, 13},
        // Hosts no rule names are refused (unnamed_hosts: refuse, the default).
        {"tools.example.com", "/", "GET", PolicyVerdict::denied, 0},
        {"other.example.com", "/", "GET", PolicyVerdict::denied, 0},
    };
    for (const auto& c : cases) {
        const auto m = p.match(c.host, c.path, c.method);
        EXPECT_EQ(m.verdict, c.verdict) << c.host << c.path << " " << c.method;
        EXPECT_EQ(m.rule ? m.rule->line : 0, c.line) << c.host << c.path << " " << c.method;
    }
}

TEST(Policy, UnnamedHostsAreRefusedUnlessLeftToTheGlobalRules) {
    const std::string rules = "rules:\n  - host: app.example.com\n    public: true\n";
    EXPECT_EQ(Policy::parse(rules).match("other.example.com", "/", "GET").verdict, PolicyVerdict::denied);
    EXPECT_EQ(Policy::parse(rules + "unnamed_hosts: refuse\n").match("other.example.com", "/", "GET").verdict,
              PolicyVerdict::denied);
    const auto open = Policy::parse(rules + "unnamed_hosts: global_rules\n");
    EXPECT_EQ(open.match("other.example.com", "/", "GET").verdict, PolicyVerdict::not_covered);
    EXPECT_EQ(open.match("app.example.com", "/", "GET").verdict, PolicyVerdict::public_access);
    EXPECT_THROW(Policy::parse(rules + "unnamed_hosts: allow\n"), std::invalid_argument);
}

TEST(Policy, ListedHostsAreDeniedByDefault) {
    const auto p = Policy::parse("rules:\n  - host: app.example.com\n    path: /api\n    public: true\n");
    EXPECT_EQ(p.match("app.example.com", "/api/x", "GET").verdict, PolicyVerdict::public_access);
    EXPECT_EQ(p.match("app.example.com", "/", "GET").verdict, PolicyVerdict::denied);
}

TEST(Policy, AllowsByGroupEmailOrDomain) {
    auto alice = gh::test::alice();  // alice@example.com in /platform-team and /dev
    PolicyRule r;
    r.groups = {"/admins"};
    EXPECT_FALSE(Policy::allows(r, alice));
    r.groups.push_back("/dev");
    EXPECT_TRUE(Policy::allows(r, alice));
    PolicyRule e;
    e.emails = {"ALICE@example.com"};
    EXPECT_TRUE(Policy::allows(e, alice));
    PolicyRule d;
    d.email_domains = {"example.org"};
    EXPECT_FALSE(Policy::allows(d, alice));
    d.email_domains.push_back("Example.com");
    EXPECT_TRUE(Policy::allows(d, alice));
}

TEST(Policy, ErrorsNameTheLine) {
    const std::vector<std::pair<const char*, const char*>> bad{
        {"rules: 3\n", "line 1: the policy must be a mapping with a 'rules' list"},
        {"rules:\n  - host: a.example.com\n    public: true\n    colour: red\n", "line 4: unknown key 'colour'"},
        {"rules:\n  - path: /x\n    public: true\n", "line 2: rule without a host"},
        {"rules:\n  - host: a.example.com\n", "line 2: a rule needs either public: true or a non-empty allow"},
        {"rules:\n  - host: a.example.com\n    path: x\n    public: true\n", "line 3: path must start with /"},
        {"rules:\n  - host: a.*.com\n    public: true\n", "line 2: a wildcard host must look like *.example.com"},
        {"rules:\n  - host: a.example.com\n    allow:\n      teams: [x]\n", "line 4: unknown key 'teams' in allow"},
        {"rules:\n  - host: [unclosed\n", "line 3"},
    };
    for (const auto& [yaml, expected] : bad) {
        try {
            Policy::parse(yaml);
            ADD_FAILURE() << "accepted: " << yaml;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0u) << e.what();
        }
    }
}
