#include "authz/redirect_validator.hpp"

#include <gtest/gtest.h>

using gh::authz::RedirectValidator;

namespace {
const RedirectValidator v({".example.com", "exact.org", "ports.net:8443", "any.io:*"});
}

TEST(RedirectValidator, AcceptsLocalPaths) {
    for (auto ok : {"/", "/app", "/app/x?y=1#z", "/%2F/evil.com", "/a//b"}) EXPECT_TRUE(v.is_valid(ok)) << ok;
}

TEST(RedirectValidator, AcceptsWhitelistedHosts) {
    for (auto ok : {"https://app.example.com/x", "https://example.com", "http://a.b.example.com/?q", "https://exact.org/",
                    "https://EXACT.org/", "https://ports.net:8443/", "https://any.io:9999/x", "https://app.example.com:443/"})
        EXPECT_TRUE(v.is_valid(ok)) << ok;
}

TEST(RedirectValidator, RefusesProtocolRelativeAndBackslashTricks) {
    // oauth2-proxy advisories: "//", "/\", and whitespace between the slashes that browsers strip.
    for (auto bad : {"//evil.com", "/\\evil.com", "\\\\evil.com", "/\t/evil.com", "/\n/evil.com", "/ /evil.com",
                     "/\r/evil.com", "\\/evil.com", "https://app.example.com\\@evil.com", "/\x0b/evil.com"})
        EXPECT_FALSE(v.is_valid(bad)) << bad;
}

TEST(RedirectValidator, RefusesLookAlikeDomains) {
    for (auto bad : {"https://badexample.com/", "https://example.com.evil.org/", "https://evil.org/.example.com",
                     "https://evil.org?.example.com", "https://evil.org#.example.com", "https://sub.exact.org/",
                     "https://notexact.org/", "https://evil.org%2F.example.com/", "https://.example.com/",
                     "https://app..example.com/"})
        EXPECT_FALSE(v.is_valid(bad)) << bad;
}

TEST(RedirectValidator, RefusesUserinfoOddSchemesAndPorts) {
    for (auto bad : {"https://app.example.com@evil.org/", "https://user:pw@app.example.com/", "javascript:alert(1)",
                     "data:text/html,x", "ftp://app.example.com/", "https:/app.example.com", "https:app.example.com",
                     "https://app.example.com:8443/", "https://ports.net/", "https://ports.net:8444/",
                     "https://app.example.com:x/", "app.example.com/x", "", "https://"})
        EXPECT_FALSE(v.is_valid(bad)) << bad;
}

TEST(RedirectValidator, EmptyWhitelistAllowsOnlyLocalPaths) {
    const RedirectValidator none({});
    EXPECT_TRUE(none.is_valid("/x"));
    EXPECT_FALSE(none.is_valid("https://example.com/"));
}

TEST(RedirectValidator, SanitizeFallsBackToRoot) {
    EXPECT_EQ(v.sanitize("//evil.com"), "/");
    EXPECT_EQ(v.sanitize("/ok"), "/ok");
}
