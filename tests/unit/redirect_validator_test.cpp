#include "authz/redirect_validator.hpp"

#include <gtest/gtest.h>

using gh::authz::RedirectValidator;

namespace {
const RedirectValidator v({".example.com", "exact.org", "ports.net:8443", "any.io:*"});
}

TEST(RedirectValidator, AcceptsLocalPaths) {
    for (auto ok : {"/", "/app", "/app/x?y=1#z", "/app/", "/.well-known/x", "/a/.../b", "/a/..b/c", "/a.b/c.",
                    "/%2e%2e%2e/x", "/a%2fb", "/app?next=//evil.com", "/app?p=/a/../b", "/app#/../x", "/a/%252e%252e/b"})
        EXPECT_TRUE(v.is_valid(ok)) << ok;
}

TEST(RedirectValidator, RefusesEmptyAndDotSegmentsInsideALocalPath) {
    // Each resolves (in the browser, or in an app that normalises the path and redirects again) to another host or
    // another path than it shows: "/a/..//x" is "//x". As oauth2-proxy, any "//", "/./" or "/../" is refused, and
    // here their percent-encoded forms, a dot segment at the end, and an encoded backslash too.
    for (auto bad : {"/a/..//evil.com", "/http://evil.com", "/a//b", "/a/./b", "/a/../b", "/./x", "/../x", "/a/..",
                     "/a/.", "/a/%2e%2e/b", "/a/%2E%2e/b", "/a/.%2e/b", "/a/%2e/b", "/%2F/evil.com", "/%2f%2fevil.com",
                     "/a%2f%2fb", "/a/%2e%2e%2f%2fevil.com", "/a%5cb", "/%5C%5Cevil.com", "/a%2F..%2Fb", "/a//b?x=1",
                     "/a/../b#c"})
        EXPECT_FALSE(v.is_valid(bad)) << bad;
    EXPECT_EQ(v.sanitize("/a/..//evil.com"), "/");
}

TEST(RedirectValidator, AcceptsWhitelistedHosts) {
    for (auto ok : {"https://app.example.com/x", "https://example.com", "http://a.b.example.com/?q", "https://exact.org/",
                    "https://EXACT.org/", "https://ports.net:8443/", "https://any.io:9999/x", "https://app.example.com:443/"})
        EXPECT_TRUE(v.is_valid(ok)) << ok;
}

TEST(RedirectValidator, TheAbsoluteTargetsPathObeysTheRulesOfALocalOne) {
    // Cold attack (d23-F4): on a whitelisted host, "/a/..//evil.com" resolves to "//evil.com" all the same.
    for (auto bad : {"https://app.example.com/a/..//evil.com", "https://app.example.com//evil.com",
                     "https://app.example.com/%5c%5cevil.com", "https://app.example.com/a/%2e%2e/b",
                     "http://exact.org/a/./b?x=1", "https://ports.net:8443/%2f%2fevil.com"})
        EXPECT_FALSE(v.is_valid(bad)) << bad;
    for (auto ok : {"https://app.example.com/a/b/", "https://app.example.com?next=//x", "https://app.example.com/p?q=/a/../b",
                    "https://app.example.com/#/../x"})
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
