// Who may sign in with GitHub (providers/github_account.hpp) and how API pages are followed
// (providers/api_call.hpp). The API calls themselves are tested against a GitHub stand-in in
// tests/integration/github_provider.test.mjs.
#include <gtest/gtest.h>

#include "oidc/providers/api_call.hpp"
#include "oidc/providers/entra_groups.hpp"
#include "oidc/providers/github_account.hpp"
#include "oidc/providers/google_account.hpp"

using gh::providers::github_refusal;
using gh::providers::GithubRules;
using gh::providers::next_link;

TEST(GithubRules, NoRulesLetEveryoneInAndAListedUserAlwaysGetsIn) {
    EXPECT_EQ(github_refusal({}, "anyone", {}, {}), "");
    const GithubRules users_only{.users = {"Hubot"}};
    EXPECT_EQ(github_refusal(users_only, "hubot", {}, {}), "") << "logins compare without case, as GitHub's";
    EXPECT_EQ(github_refusal(users_only, "octocat", {"acme"}, {}), "'octocat' is not in --github-user");
    const GithubRules org_and_user{.org = "acme", .teams = {"platform"}, .users = {"hubot"}};
    EXPECT_EQ(github_refusal(org_and_user, "hubot", {}, {}), "") << "a listed user needs no org";
}

TEST(GithubRules, AnOrgNeedsMembershipAndTeamsNeedOneOfThemInThatOrg) {
    const GithubRules org{.org = "acme"};
    EXPECT_EQ(github_refusal(org, "octocat", {"ACME"}, {}), "");
    EXPECT_EQ(github_refusal(org, "octocat", {"acme-fans"}, {}), "'octocat' is not a member of --github-org acme");
    const GithubRules teams{.org = "acme", .teams = {"platform", "sre"}};
    EXPECT_EQ(github_refusal(teams, "octocat", {"acme"}, {"acme:dev", "acme:sre"}), "");
    EXPECT_EQ(github_refusal(teams, "octocat", {"acme", "other"}, {"acme:dev", "other:platform"}),
              "'octocat' is in none of --github-team in acme")
        << "a team of the same name in another org does not count";
}

TEST(ApiPages, TheNextLinkIsFoundAmongOthers) {
    EXPECT_EQ(
        next_link(
            R"(<https://api.github.com/user/teams?page=2>; rel="next", <https://api.github.com/user/teams?page=5>; rel="last")"),
        "https://api.github.com/user/teams?page=2");
    EXPECT_EQ(next_link(R"(<https://x/?page=1>; rel="prev", <https://x/?page=3>; rel="next")"), "https://x/?page=3");
    EXPECT_EQ(next_link(R"(<https://x/?page=1>; rel="first", <https://x/?page=4>; rel="last")"), "");
    EXPECT_EQ(next_link(""), "");
    EXPECT_EQ(next_link("<https://x/unclosed"), "");
}

TEST(EntraGroups, AnOverageIsNamedByDistributedClaimsOrHasgroups) {
    using gh::providers::has_groups_overage;
    const auto claims = nlohmann::json::parse(R"({"sub":"x","_claim_names":{"groups":"src1"},
        "_claim_sources":{"src1":{"endpoint":"https://graph.windows.net/t/users/x/getMemberObjects"}}})");
    EXPECT_TRUE(has_groups_overage(claims, "groups"));
    EXPECT_FALSE(has_groups_overage(claims, "roles")) << "only the claim Gatehouse reads the groups from";
    EXPECT_TRUE(has_groups_overage(nlohmann::json::parse(R"({"hasgroups":true})"), "groups"));
    EXPECT_FALSE(has_groups_overage(nlohmann::json::parse(R"({"groups":["a","b"]})"), "groups"));
    EXPECT_FALSE(has_groups_overage(nlohmann::json::parse(R"({"_claim_names":"groups"})"), "groups"));
}

TEST(GoogleHostedDomain, OnlyAWorkspaceAccountOfAnAllowedDomainPasses) {
    using gh::providers::hosted_domain_refusal;
    const auto workspace = nlohmann::json::parse(R"({"email":"a@acme.test","hd":"acme.test"})");
    EXPECT_EQ(hosted_domain_refusal(workspace, {"ACME.test"}), "");
    EXPECT_EQ(hosted_domain_refusal(workspace, {}), "") << "--email-domain=*: any account";
    EXPECT_EQ(hosted_domain_refusal(workspace, {"other.test"}),
              "a Google Workspace account of acme.test, not of --email-domain");
    EXPECT_EQ(hosted_domain_refusal(nlohmann::json::parse(R"({"email":"a@acme.test"})"), {"acme.test"}),
              "not a Google Workspace account (no hd claim), so not of --email-domain")
        << "a consumer account with a company address is not the company's";
}

TEST(GoogleServiceAccount, TheTokenRequestNamesTheAccountTheAdminTheScopeAndAnHour) {
    gh::providers::ServiceAccount account{"sa@p.iam.gserviceaccount.com", "k1", gh::crypto::Secret("pem"),
                                                       "https://oauth2.googleapis.com/token"};
    const auto claims = nlohmann::json::parse(gh::providers::service_account_claims(account, "admin@acme.test", 1000));
    EXPECT_EQ(claims["iss"], "sa@p.iam.gserviceaccount.com");
    EXPECT_EQ(claims["sub"], "admin@acme.test");
    EXPECT_EQ(claims["aud"], "https://oauth2.googleapis.com/token");
    EXPECT_EQ(claims["scope"], "https://www.googleapis.com/auth/admin.directory.group.readonly");
    EXPECT_EQ(claims["iat"], 1000);
    EXPECT_EQ(claims["exp"], 4600);
}
