#include "authz/skip_routes.hpp"

#include <gtest/gtest.h>

#include "test_options.hpp"

#include "authz/path_normalize.hpp"

using gh::authz::normalize_path;
using gh::authz::SkipRoutes;

TEST(NormalizePath, Table) {
    const std::vector<std::pair<const char*, const char*>> cases{
        {"/", "/"},
        {"/public/x", "/public/x"},
        {"//public///x", "/public/x"},
        {"/%70ublic/x", "/public/x"},
        {"/a%20b", "/a%20b"},
        {"/dir/", "/dir/"},
        {"/admin;x", "/admin"},
        {"/admin;x/y", "/admin/y"},
        {"/admin%3Bx", "/admin"},
        {"/admin%3bjsessionid=1/", "/admin/"},
        {"/;x/admin", "/admin"},
        {"/a/...", "/a/..."},
    };
    for (const auto& [in, out] : cases) {
        const auto n = normalize_path(in);
        ASSERT_TRUE(n) << in;
        EXPECT_EQ(*n, out) << in;
    }
}

TEST(NormalizePath, TheLiteralReadingKeepsParametersAndEmptySegments) {
    std::string out;
    for (const auto& [in, expected] : std::vector<std::pair<const char*, const char*>>{
             {"/admin;x", "/admin;x"}, {"/admin%3bx/", "/admin%3Bx/"}, {"//admin", "//admin"}, {"/", "/"},
             {"/a/b/", "/a/b/"}, {"/%61dmin", "/admin"}}) {
        ASSERT_TRUE(gh::authz::normalize_path_into(in, out, gh::authz::PathReading::literal)) << in;
        EXPECT_EQ(out, expected) << in;
    }
}

TEST(NormalizePath, RefusesAmbiguousPaths) {
    for (auto bad : {"", "public", "/public\\..\\admin", "/public%2F..%2Fadmin", "/public%5c..%5cadmin", "/a%00b",
                     "/a\tb", "/a%", "/a%zz", "/a%0a", "/a%3fb", "/a%3Fb", "/public/secret%23/endpoint", "/a#b",
                     "/a;x%2F..%2Fb", "/a;\\b",
                     // dot segments, which servers resolve or not: refused, never resolved
                     "/public/./x", "/public/../admin", "/public/%2e%2e/admin", "/public/%2E%2E/admin",
                     "/public/..;/admin", "/public/..;jsessionid=1/admin", "/../../admin", "/dir/.", "/admin/..",
                     "/public;/../admin", "/.%2e/admin"})
        EXPECT_FALSE(normalize_path(bad)) << bad;
}

TEST(SkipRoutes, MatchesMethodAndNormalisedPath) {
    const SkipRoutes r({"GET=^/health$", "^/public/", "POST!=^/api/"}, false);
    EXPECT_TRUE(r.matches("GET", "/health"));
    EXPECT_FALSE(r.matches("DELETE", "/health"));
    EXPECT_TRUE(r.matches("PUT", "/public/logo.png"));
    EXPECT_TRUE(r.matches("POST", "/other"));  // negated: POST to anything but /api/
    EXPECT_FALSE(r.matches("POST", "/api/items"));
    EXPECT_FALSE(r.matches("OPTIONS", "/admin"));
}

TEST(SkipRoutes, EncodingTricksCannotReachAProtectedPath) {
    // Each of these reaches /admin on some server; none may be treated as public.
    const SkipRoutes r({"^/public/"}, false);
    for (auto trick : {"/public/../admin", "/public/%2e%2e/admin", "/public/..;/admin", "/public%2F..%2Fadmin",
                       "/public/..%2Fadmin", "/public\\..\\admin", "/public/%2E%2E%2Fadmin", "//public/../admin"})
        EXPECT_FALSE(r.matches("GET", trick)) << trick;
    EXPECT_TRUE(r.matches("GET", "//public//a"));
    EXPECT_TRUE(r.matches("GET", "/%70ublic/a"));
}

TEST(SkipRoutes, ARegexSeesThePathTheAppRoutes) {
    // oauth2-proxy CVE-2026-41059's pattern: ".*" must not reach over an encoded '#' (the app's path ends there).
    const SkipRoutes r({"^/public/.*/endpoint$"}, false);
    EXPECT_TRUE(r.matches("GET", "/public/a/endpoint"));
    EXPECT_FALSE(r.matches("GET", "/public/secret%23/endpoint"));
    EXPECT_FALSE(r.matches("GET", "/public/secret%3F/endpoint"));
    // Path parameters are not part of the path the app routes.
    EXPECT_TRUE(r.matches("GET", "/public/a;x/endpoint;y"));
    EXPECT_TRUE(SkipRoutes({"^/admin$"}, false).matches("GET", "/admin;jsessionid=1"));
}

TEST(SkipRoutes, PreflightOnlyWhenAsked) {
    EXPECT_TRUE(SkipRoutes({}, true).matches("OPTIONS", "/anything"));
    EXPECT_FALSE(SkipRoutes({}, false).matches("OPTIONS", "/anything"));
    EXPECT_TRUE(SkipRoutes({}, false).empty());
}

TEST(SkipRoutes, PathRegexContainingEqualsIsNotAMethod) {
    const SkipRoutes r({"^/q=1"}, false);
    EXPECT_TRUE(r.matches("GET", "/q=1"));
    EXPECT_THROW(SkipRoutes({"GET=("}, false), std::invalid_argument);
}

TEST(SkipRoutes, AGroupedRegexIsAPathRegexWhateverItHolds) {
    // --skip-auth-regex and --api-route become "(?:regex)": an "=" inside never reads as a method rule.
    const SkipRoutes r({"(?:^/q=GET=1)", "(?:!=x)"}, false);
    EXPECT_TRUE(r.matches("POST", "/q=GET=1"));
    EXPECT_TRUE(r.matches("GET", "/a!=x")) << "a plain regex, not negated";
    EXPECT_FALSE(r.matches("GET", "/other"));
}

// An empty regex matches every path: "GET=" (a templated path that came out empty) would make every GET public.
TEST(SkipRoutes, AMethodRuleWithoutARegexIsRefused) {
    for (const char* rule : {"GET=", "POST!=", "!="}) {
        const auto compiled = gh::authz::SkipRoutes::compile({rule}, false);
        ASSERT_FALSE(compiled) << rule;
        EXPECT_NE(compiled.error().front().message.find("has no path regex"), std::string::npos) << rule;
    }
    const auto out = gh::options::parse_options(gh::test::base_args({"--skip-auth-route=GET="}), {},
                                                gh::test::files({}));
    EXPECT_EQ(out.errors, (std::vector<std::string>{
                              "--skip-auth-route: 'GET=' has no path regex (an empty one would match every path)"}));
}
