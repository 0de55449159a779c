#include "gate/rules.hpp"

#include <gtest/gtest.h>

#include "login/cookie_domain.hpp"

using namespace gh::gate;

TEST(EmailDomainAllowed, MatchesDomainCaseInsensitivelyOrStar) {
    EXPECT_TRUE(email_domain_allowed("a@Example.COM", {"example.com"}));
    EXPECT_TRUE(email_domain_allowed("a@x.org", {"example.com", "x.org"}));
    EXPECT_TRUE(email_domain_allowed("anything", {"*"}));
    EXPECT_FALSE(email_domain_allowed("a@evil-example.com", {"example.com"}));
    EXPECT_FALSE(email_domain_allowed("a@sub.example.com", {"example.com"}));
    EXPECT_FALSE(email_domain_allowed("a@example.com.evil.org", {"example.com"}));
    EXPECT_FALSE(email_domain_allowed("example.com", {"example.com"}));
    EXPECT_FALSE(email_domain_allowed("", {"example.com"}));
}

// oauth2-proxy's --email-domain (validator.go isEmailValidWithDomains): a leading "." or "*." admits any
// subdomain and not the domain itself; the suffix starts at a label boundary.
TEST(EmailDomainAllowed, ALeadingDotAdmitsSubdomainsOnly) {
    for (const char* rule : {".example.com", "*.example.com"}) {
        const std::vector<std::string> d{rule};
        EXPECT_TRUE(email_domain_allowed("a@x.example.com", d)) << rule;
        EXPECT_TRUE(email_domain_allowed("a@deep.x.example.com", d)) << rule;
        EXPECT_TRUE(email_domain_allowed("a@X.EXAMPLE.com", d)) << rule;
        EXPECT_FALSE(email_domain_allowed("a@example.com", d)) << rule << ": oauth2-proxy admits no apex here";
        EXPECT_FALSE(email_domain_allowed("a@evilexample.com", d)) << rule;
        EXPECT_FALSE(email_domain_allowed("a@example.com.evil", d)) << rule;
        EXPECT_FALSE(email_domain_allowed("a@x.example.com.", d)) << rule;
        EXPECT_FALSE(email_domain_allowed("a@.example.com", d)) << rule;
        EXPECT_FALSE(email_domain_allowed("a@evil.com@x.example.com", d)) << rule;
    }
    EXPECT_FALSE(email_domain_allowed("a@x.example.com", {"."}));
    EXPECT_FALSE(email_domain_allowed("a@x.example.com", {"*."}));
    EXPECT_TRUE(email_domain_matches("example.com", ".example.com", true)) << "per-app: the apex too";
    EXPECT_FALSE(email_domain_matches("evilexample.com", ".example.com", true));
}

// oauth2-proxy GHSA-c5c4-8r6x-56w3 (CVE-2026-40574): "attacker@evil.com@company.com" passed a company.com
// domain rule. An address that is not well formed passes no domain rule.
TEST(EmailDomainAllowed, RefusesAddressesThatAreNotWellFormed) {
    const std::vector<std::string> company{"company.com"};
    EXPECT_TRUE(email_domain_allowed("first.last+tag@company.com", company));
    for (const char* bad : {"attacker@evil.com@company.com", "\"attacker@evil.com\"@company.com", "a b@company.com",
                            "a@company.com ", "a@company.com\n", "a\t@company.com", "@company.com", "a@@company.com",
                            "a@company..com", "a@.company.com", "a@company.com.", "a@comp_any.com", "a@company.com/x",
                            "a<b>@company.com", "a\\@company.com"})
        EXPECT_FALSE(email_domain_allowed(bad, company)) << bad;
}

TEST(GroupAllowed, NeedsOneSharedGroupWhenAnyAreConfigured) {
    EXPECT_TRUE(group_allowed({}, {}));
    EXPECT_TRUE(group_allowed({"/dev", "/ops"}, {"/ops"}));
    EXPECT_FALSE(group_allowed({"/dev"}, {"/ops"}));
    EXPECT_FALSE(group_allowed({"/OPS"}, {"/ops"}));
    EXPECT_FALSE(group_allowed({}, {"/ops"}));
}

TEST(ChooseCookieDomain, PicksTheMostSpecificMatch) {
    using gh::login::choose_cookie_domain;
    EXPECT_EQ(choose_cookie_domain({".example.com", ".app.example.com"}, "x.app.example.com:443"), ".app.example.com");
    EXPECT_EQ(choose_cookie_domain({".example.com"}, "example.com"), ".example.com");
    EXPECT_EQ(choose_cookie_domain({".example.com"}, "other.org"), ".example.com");
    EXPECT_EQ(choose_cookie_domain({".example.com"}, "badexample.com"), ".example.com");
    EXPECT_EQ(choose_cookie_domain({}, "x"), "");
}

// oauth2-proxy's keycloak example lists cookie_domains with ports; no browser takes such a Domain attribute.
TEST(ChooseCookieDomain, AValueWithAPortIsNeverChosen) {
    using gh::login::choose_cookie_domain;
    const std::vector<std::string> keycloak{"oauth2-proxy.localtest.me:4080", "keycloak.localtest.me:9080"};
    EXPECT_EQ(choose_cookie_domain(keycloak, "oauth2-proxy.localtest.me:4080"), "");
    EXPECT_EQ(choose_cookie_domain(keycloak, "elsewhere.example"), "");
    EXPECT_EQ(choose_cookie_domain({"a.test:1", ".example.com"}, "other.org"), ".example.com");
}
