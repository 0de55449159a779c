#include "gate/route_rules.hpp"

#include <gtest/gtest.h>

#include "test_sessions.hpp"

using namespace gh::gate;

namespace {

struct Case {
    const char* query;
    Reason expected;
};

void run(const std::vector<Case>& cases) {
    const auto alice = gh::test::alice();  // alice@example.com, groups /platform-team and /dev
    for (const auto& c : cases) EXPECT_EQ(check_route_rules(route_rules_from_query(c.query), alice), c.expected) << c.query;
}

}  // namespace

TEST(RouteRules, AllowedGroups) {
    run({{"allowed_groups=/platform-team", Reason::allowed},
         {"allowed_groups=/ops,/dev", Reason::allowed},
         {"allowed_groups=/ops", Reason::route_group_not_allowed},
         {"allowed_groups=%2Fplatform-team", Reason::allowed},
         {"allowed_groups=%2Fops%2C%2Fdev", Reason::allowed},
         {"allowed_groups=/Platform-Team", Reason::route_group_not_allowed},
         {"allowed_groups=/platform", Reason::route_group_not_allowed}});
}

TEST(RouteRules, AllowedEmails) {
    run({{"allowed_emails=alice@example.com", Reason::allowed},
         {"allowed_emails=bob@example.com, ALICE@example.com", Reason::allowed},
         {"allowed_emails=alice%40example.com", Reason::allowed},
         {"allowed_emails=bob@example.com", Reason::route_email_not_allowed},
         {"allowed_emails=alice@example.co", Reason::route_email_not_allowed}});
}

TEST(RouteRules, AllowedEmailDomains) {
    run({{"allowed_email_domains=example.com", Reason::allowed},
         {"allowed_email_domains=other.org,EXAMPLE.com", Reason::allowed},
         {"allowed_email_domains=*", Reason::allowed},
         {"allowed_email_domains=ample.com", Reason::route_email_domain_not_allowed},
         {"allowed_email_domains=sub.example.com", Reason::route_email_domain_not_allowed},
         // oauth2-proxy reads these as --whitelist-domain hosts (util.IsEndpointAllowed): a leading dot admits
         // the domain itself and its subdomains, never a look-alike.
         {"allowed_email_domains=.example.com", Reason::allowed},
         {"allowed_email_domains=*.example.com", Reason::allowed},
         {"allowed_email_domains=.EXAMPLE.com", Reason::allowed},
         {"allowed_email_domains=.ample.com", Reason::route_email_domain_not_allowed},
         {"allowed_email_domains=.com.example", Reason::route_email_domain_not_allowed},
         {"allowed_email_domains=.sub.example.com", Reason::route_email_domain_not_allowed}});
}

TEST(RouteRules, EveryKindGivenMustPass) {
    run({{"", Reason::allowed},
         {"unrelated=1&allowed_groups=/dev&allowed_email_domains=example.com", Reason::allowed},
         {"allowed_groups=/dev&allowed_emails=bob@example.com", Reason::route_email_not_allowed},
         {"allowed_groups=/ops&allowed_emails=alice@example.com", Reason::route_group_not_allowed},
         {"allowed_groups=&allowed_emails=", Reason::allowed}});
}

// Which of two lists counts would depend on the reader (oauth2-proxy reads the first), and a proxy that appends
// to the auth URL's query would choose it: a rule named twice is refused.
TEST(RouteRules, ARuleNamedTwiceIsRefused) {
    run({{"allowed_groups=/ops&allowed_groups=/dev", Reason::route_rules_unclear},
         {"allowed_groups=/dev&allowed_groups=", Reason::route_rules_unclear},
         {"allowed_emails=bob@example.com&x=1&allowed_emails=alice@example.com", Reason::route_rules_unclear},
         {"allowed_email_domains=example.com&allowed_email_domains=example.com", Reason::route_rules_unclear},
         {"allowed_groups=/dev&allowed_emails=alice@example.com&allowed_email_domains=example.com", Reason::allowed}});
}
