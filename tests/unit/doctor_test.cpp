// gatehouse doctor's checks against the classic misconfigurations, each with the fix it proposes.
#include <gtest/gtest.h>

#include <algorithm>

#include "doctor/config_checks.hpp"
#include "doctor/cookie_size.hpp"
#include "doctor/idp_checks.hpp"
#include "text/http_date.hpp"
#include "test_options.hpp"

namespace gh::doctor {
namespace {

std::vector<ProtectedUrl> urls(std::initializer_list<const char*> texts) {
    std::vector<ProtectedUrl> out;
    for (const char* t : texts) out.push_back(*parse_protected_url(t));
    return out;
}

Findings run(const options::Options& o, std::initializer_list<const char*> protected_urls) {
    Findings f;
    const auto d = describe(o, urls(protected_urls));
    check_cookie_domain(d, f);
    check_whitelist(d, f);
    check_samesite(d, f);
    check_cookie_secure(d, f);
    check_identity_headers(d, f);
    check_original_request(d, f);
    return f;
}

const Finding* find(const Findings& f, std::string_view check, Severity s) {
    const auto it = std::find_if(f.begin(), f.end(), [&](const Finding& x) { return x.check == check && x.severity == s; });
    return it == f.end() ? nullptr : &*it;
}

const std::vector<std::string> kCentral = {"--redirect-url=https://auth.example.com/oauth2/callback",
                                           "--cookie-domain=.example.com", "--whitelist-domain=.example.com",
                                           "--set-xauthrequest"};

TEST(ProtectedUrl, ParsesAndMatchesDomainsAsBrowsersDo) {
    const auto u = parse_protected_url("HTTPS://App.Example.com:443/x?y");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "app.example.com");
    EXPECT_EQ(u->port, "");
    EXPECT_FALSE(parse_protected_url("app.example.com/x"));
    EXPECT_FALSE(parse_protected_url("ftp://x"));
    EXPECT_FALSE(parse_protected_url("https://user@evil.com"));
    EXPECT_TRUE(domain_matches("app.example.com", ".example.com"));
    EXPECT_TRUE(domain_matches("example.com", ".example.com"));
    EXPECT_FALSE(domain_matches("badexample.com", ".example.com"));
    EXPECT_EQ(common_parent("app.example.com", "auth.example.com"), ".example.com");
    EXPECT_EQ(common_parent("example.com", "auth.example.com"), ".example.com");
    EXPECT_EQ(common_parent("a.example.com", "b.other.org"), "");
    EXPECT_TRUE(same_site("auth.example.com", "idp.example.com"));
    EXPECT_FALSE(same_site("auth.example.com", "login.microsoftonline.com"));
}

TEST(Doctor, ACentralSignInHostWithAParentCookieDomainIsClean) {
    const auto f = run(test::must_parse(test::base_args(kCentral)), {"https://app1.example.com/", "https://app2.example.com/x"});
    for (const auto& x : f) EXPECT_NE(x.severity, Severity::error) << x.check << ": " << x.message;
    EXPECT_TRUE(find(f, "cookie-domain", Severity::ok));
    EXPECT_TRUE(find(f, "whitelist-domain", Severity::ok));
}

TEST(Doctor, AHostOutsideTheCookieDomainIsALoginLoop) {
    const auto f = run(test::must_parse(test::base_args(kCentral)), {"https://app.other.org/"});
    const auto* e = find(f, "cookie-domain", Severity::error);
    ASSERT_TRUE(e);
    EXPECT_NE(e->message.find("login loop"), std::string::npos);
    EXPECT_TRUE(find(f, "whitelist-domain", Severity::error));
}

TEST(Doctor, NoCookieDomainWithACentralSignInHostSuggestsTheParent) {
    const auto f = run(test::must_parse(test::base_args({"--redirect-url=https://auth.example.com/oauth2/callback",
                                                         "--whitelist-domain=.example.com"})),
                       {"https://app.example.com/"});
    const auto* e = find(f, "cookie-domain", Severity::error);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->fix, "--cookie-domain=.example.com");
}

TEST(Doctor, ACookieDomainThatDoesNotCoverTheSignInHostIsReported) {
    const auto f = run(test::must_parse(test::base_args({"--redirect-url=https://auth.corp.net/oauth2/callback",
                                                         "--cookie-domain=.example.com",
                                                         "--whitelist-domain=.example.com"})),
                       {"https://app.example.com/"});
    const auto* e = find(f, "cookie-domain", Severity::error);
    ASSERT_TRUE(e);
    EXPECT_NE(e->message.find("auth.corp.net"), std::string::npos);
}

TEST(Doctor, AMissingWhitelistEntrySendsUsersToSlash) {
    const auto f = run(test::must_parse(test::base_args({"--redirect-url=https://auth.example.com/oauth2/callback",
                                                         "--cookie-domain=.example.com"})),
                       {"https://app.example.com:8443/"});
    const auto* e = find(f, "whitelist-domain", Severity::error);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->fix, "--whitelist-domain=.example.com:8443");
}

TEST(Doctor, SameSiteStrictWithAnIdpOnAnotherSiteIsALoginLoop) {
    auto args = kCentral;
    args.push_back("--cookie-samesite=strict");
    args.push_back("--oidc-issuer-url=https://login.microsoftonline.com/tenant/v2.0");
    EXPECT_TRUE(find(run(test::must_parse(test::base_args(args)), {"https://app.example.com/"}), "cookie-samesite",
                     Severity::error));
    args.back() = "--oidc-issuer-url=https://idp.example.com/realms/x";
    EXPECT_TRUE(find(run(test::must_parse(test::base_args(args)), {"https://app.example.com/"}), "cookie-samesite",
                     Severity::ok));
}

TEST(Doctor, SecureCookiesOnPlainHttpAreDropped) {
    const auto f = run(test::must_parse(test::base_args({"--cookie-domain=.example.com", "--whitelist-domain=.example.com"})),
                       {"http://app.example.com/"});
    EXPECT_TRUE(find(f, "cookie-secure", Severity::error));
    // localhost is a secure context: browsers keep Secure cookies there.
    EXPECT_TRUE(find(run(test::must_parse(test::base_args({"--whitelist-domain=localhost:*"})), {"http://localhost:8080/"}),
                     "cookie-secure", Severity::ok));
}

TEST(Doctor, IdentityHeadersOffIsAWarningAndAnAccessTokenWithoutThemAnError) {
    EXPECT_TRUE(find(run(test::must_parse(test::base_args()), {}), "identity-headers", Severity::warning));
    EXPECT_TRUE(find(run(test::must_parse(test::base_args({"--pass-access-token"})), {}), "identity-headers", Severity::error));
}

TEST(Doctor, RulesOnTheOriginalRequestNeedHeadersThatCanBeBelieved) {
    const auto parsed = [](std::vector<std::string> flags) { return test::must_parse(test::base_args(std::move(flags))); };
    EXPECT_TRUE(find(run(parsed({}), {}), "original-request", Severity::ok));
    // Skip routes (or the preflight rule) without --reverse-proxy: the doors can never read the original request.
    EXPECT_TRUE(find(run(parsed({"--skip-auth-preflight"}), {}), "original-request", Severity::error));
    EXPECT_TRUE(find(run(parsed({"--skip-auth-route=^/public/"}), {}), "original-request", Severity::error));
    // --reverse-proxy without --trusted-proxy-ip: any peer reports the method and path the rules match.
    const auto warned = run(parsed({"--skip-auth-preflight", "--reverse-proxy"}), {});
    const auto* w = find(warned, "original-request", Severity::warning);
    ASSERT_TRUE(w);
    EXPECT_NE(w->fix.find("--trusted-proxy-ip"), std::string::npos);
    const auto fine = run(parsed({"--skip-auth-route=^/public/", "--reverse-proxy", "--trusted-proxy-ip=10.0.0.0/8",
                                  "--original-request-headers=x-forwarded"}),
                          {});
    const auto* ok = find(fine, "original-request", Severity::ok);
    ASSERT_TRUE(ok);
    EXPECT_NE(ok->message.find("X-Forwarded-Method"), std::string::npos);
}

TEST(Doctor, ClockDifferencesBeyondTheToleranceAreErrors) {
    EXPECT_EQ(clock_finding(2, "idp").severity, Severity::ok);
    EXPECT_EQ(clock_finding(-30, "idp").severity, Severity::warning);
    const auto f = clock_finding(-300, "idp.example.com");
    EXPECT_EQ(f.severity, Severity::error);
    EXPECT_NE(f.message.find("300 s behind the IdP (idp.example.com)"), std::string::npos);
    EXPECT_EQ(text::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_FALSE(text::parse_http_date("yesterday"));
}

std::string jwt_with(const std::string& payload_json) {
    std::string b64;
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : payload_json) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) b64 += kAlphabet[(acc >> (bits -= 6)) & 63];
    }
    if (bits) b64 += kAlphabet[(acc << (6 - bits)) & 63];
    return "eyJhbGciOiJSUzI1NiJ9." + b64 + ".c2ln";
}

TEST(Doctor, CookieSizeIsMeasuredWithTheRealSealer) {
    const auto o = test::must_parse(test::base_args());
    Findings small;
    check_cookie_size(o, jwt_with(R"({"sub":"alice","email":"alice@example.com","groups":["a","b"]})"), small);
    ASSERT_EQ(small.size(), 1u);
    EXPECT_EQ(small[0].severity, Severity::ok) << small[0].message;

    std::string groups;
    for (int i = 0; i < 150; ++i) groups += std::string(i ? "," : "") + "\"/department/team-" + std::to_string(i) + "\"";
    Findings chunked;
    check_cookie_size(o, R"({"id_token":")" + jwt_with(R"({"sub":"bob","groups":[)" + groups + "]}") + R"(","access_token":"x"})",
                      chunked);
    ASSERT_EQ(chunked.size(), 1u);
    EXPECT_NE(chunked[0].severity, Severity::ok);
    EXPECT_NE(chunked[0].fix.find("--session-store-type=redis"), std::string::npos);

    Findings redis;
    check_cookie_size(test::must_parse(test::base_args({"--session-store-type=redis", "--redis-connection-url=redis://127.0.0.1:6379"})),
                      "", redis);
    EXPECT_EQ(redis[0].severity, Severity::ok);
    Findings skipped;
    check_cookie_size(o, "", skipped);
    EXPECT_EQ(skipped[0].severity, Severity::skipped);
    Findings broken;
    check_cookie_size(o, "{not json", broken);
    EXPECT_EQ(broken[0].severity, Severity::error);
}

}  // namespace
}  // namespace gh::doctor
