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
