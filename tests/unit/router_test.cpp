#include "app/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "test_stack.hpp"

using namespace gh;
namespace bhttp = boost::beast::http;

namespace {

class RouterTest : public ::testing::Test {
protected:
    void configure(std::vector<std::string> extra) { stack = std::make_unique<test::Stack>(std::move(extra)); }
    std::string cookie_for(const session::Session& s) { return stack->cookie_for(s); }
    std::string get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {}) {
        http::Request::Message m{bhttp::verb::get, target, 11};
        for (const auto& [k, v] : headers) m.insert(k, v);
        std::string out;
        http::Response res(out, true);
        // Named: the handler is a lazy coroutine that runs inside io.run(), after a temporary would be gone.
        const http::Request req(m, false, stack->peer(peer_address));
        boost::asio::io_context io;
        boost::asio::co_spawn(io, stack->router.handle(req, res), boost::asio::detached);
        io.run();
        return out;
    }

    std::unique_ptr<test::Stack> stack;
    std::string peer_address = "127.0.0.1";
};

TEST_F(RouterTest, AuthAllowsWith202AndIdentityHeaders) {
    configure({"--set-xauthrequest", "--pass-access-token"});
    const auto out = get("/oauth2/auth", {{"Cookie", cookie_for(test::alice())}});
    EXPECT_EQ(out.rfind("HTTP/1.1 202 Accepted\r\n", 0), 0u) << out;
    EXPECT_NE(out.find("X-Auth-Request-User: f3b7c0de-0001\r\n"), std::string::npos);
    EXPECT_NE(out.find("X-Auth-Request-Email: alice@example.com\r\n"), std::string::npos);
    EXPECT_NE(out.find("X-Auth-Request-Preferred-Username: alice\r\n"), std::string::npos);
    EXPECT_NE(out.find("X-Auth-Request-Groups: /platform-team,/dev\r\n"), std::string::npos);
    EXPECT_NE(out.find("X-Auth-Request-Access-Token: at-123\r\n"), std::string::npos);
    EXPECT_NE(out.find("GAP-Auth: alice@example.com\r\n"), std::string::npos);
    EXPECT_NE(out.find("Content-Length: 0\r\n\r\n"), std::string::npos);
}

TEST_F(RouterTest, AuthOmitsIdentityHeadersWithoutSetXauthrequest) {
    configure({});
    const auto out = get("/oauth2/auth", {{"Cookie", cookie_for(test::alice())}});
    EXPECT_EQ(out.rfind("HTTP/1.1 202", 0), 0u);
    EXPECT_EQ(out.find("X-Auth-Request-"), std::string::npos);
}

TEST_F(RouterTest, AuthOmitsAccessTokenWithoutPassAccessToken) {
    configure({"--set-xauthrequest"});
    const auto out = get("/oauth2/auth", {{"Cookie", cookie_for(test::alice())}});
    EXPECT_EQ(out.find("Access-Token"), std::string::npos);
}

TEST_F(RouterTest, AuthNeverEchoesClientSuppliedIdentity) {
    configure({"--set-xauthrequest"});
    const std::vector<std::pair<std::string, std::string>> spoofed{{"X-Auth-Request-User", "mallory"},
                                                                   {"X-Auth-Request-Email", "mallory@evil.org"},
                                                                   {"X-Auth-Request-Groups", "/admins"}};
    auto out = get("/oauth2/auth", spoofed);
    EXPECT_EQ(out.rfind("HTTP/1.1 401", 0), 0u);
    EXPECT_EQ(out.find("mallory"), std::string::npos);
    auto with_session = spoofed;
    with_session.push_back({"Cookie", cookie_for(test::alice())});
    out = get("/oauth2/auth", with_session);
    EXPECT_EQ(out.rfind("HTTP/1.1 202", 0), 0u);
    EXPECT_EQ(out.find("mallory"), std::string::npos);
    EXPECT_EQ(out.find("/admins"), std::string::npos);
}

TEST_F(RouterTest, AuthAnswers401WithoutOrWithBadOrExpiredSession) {
    configure({});
    EXPECT_EQ(get("/oauth2/auth").rfind("HTTP/1.1 401", 0), 0u);
    EXPECT_EQ(get("/oauth2/auth", {{"Cookie", "_oauth2_proxy=garbage"}}).rfind("HTTP/1.1 401", 0), 0u);
    auto s = test::alice();
    const auto cookie = cookie_for(s);
    stack->clock.set(s.expires_at);
    EXPECT_EQ(get("/oauth2/auth", {{"Cookie", cookie}}).rfind("HTTP/1.1 401", 0), 0u);
}

TEST_F(RouterTest, AuthAnswers403ForEmailOutsideTheDomains) {
    configure({"--email-domain=corp.example"});
    EXPECT_EQ(get("/oauth2/auth", {{"Cookie", cookie_for(test::alice())}}).rfind("HTTP/1.1 403", 0), 0u);
}

TEST_F(RouterTest, AuthStripsNewlinesFromIdentityValues) {
    configure({"--set-xauthrequest"});
    auto s = test::alice();
    s.preferred_username = "alice\r\nX-Injected: yes";
    const auto out = get("/oauth2/auth", {{"Cookie", cookie_for(s)}});
    EXPECT_EQ(out.find("\r\nX-Injected"), std::string::npos);
}

TEST_F(RouterTest, AuthReadsAChunkedSession) {
    configure({"--set-xauthrequest"});
    auto s = test::alice();
    for (int i = 0; i < 300; ++i) s.groups.push_back("/org/group-" + std::to_string(i));
    const auto cookie = cookie_for(s);
    ASSERT_NE(cookie.find("_oauth2_proxy_1="), std::string::npos);
    const auto out = get("/oauth2/auth", {{"Cookie", cookie}});
    EXPECT_EQ(out.rfind("HTTP/1.1 202", 0), 0u);
    EXPECT_NE(out.find("/org/group-299"), std::string::npos);
}

TEST_F(RouterTest, UserinfoReturnsJsonOr401) {
    configure({});
    const auto out = get("/oauth2/userinfo", {{"Cookie", cookie_for(test::alice())}});
    EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u);
    EXPECT_NE(out.find(R"("email":"alice@example.com")"), std::string::npos);
    EXPECT_NE(out.find(R"("preferredUsername":"alice")"), std::string::npos);
    EXPECT_NE(out.find(R"("groups":["/platform-team","/dev"])"), std::string::npos);
    EXPECT_NE(out.find(R"("user":"f3b7c0de-0001")"), std::string::npos);
    EXPECT_EQ(get("/oauth2/userinfo").rfind("HTTP/1.1 401", 0), 0u);
}

TEST_F(RouterTest, PingAnswersOkAndReadyWaitsForTheIdp) {
    configure({});
    EXPECT_EQ(get("/ping").rfind("HTTP/1.1 200 OK", 0), 0u);
    EXPECT_EQ(get("/ready").rfind("HTTP/1.1 503", 0), 0u);
}

TEST_F(RouterTest, StartAnswers503WhileTheIdpIsUnknown) {
    configure({});
    const auto out = get("/oauth2/start?rd=/x");
    EXPECT_EQ(out.rfind("HTTP/1.1 503", 0), 0u);
    EXPECT_NE(out.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
}

TEST_F(RouterTest, CallbackWithoutCsrfCookieIs403) {
    configure({});
    const auto out = get("/oauth2/callback?code=abc&state=xyz");
    EXPECT_EQ(out.rfind("HTTP/1.1 403", 0), 0u);
    EXPECT_NE(out.find("expired or was opened in another browser"), std::string::npos);
}

TEST_F(RouterTest, SignOutClearsEveryChunkAndRefusesExternalRedirects) {
    configure({"--cookie-domain=.example.com", "--whitelist-domain=.example.com"});
    auto out = get("/oauth2/sign_out?rd=%2Fbye", {{"Cookie", "_oauth2_proxy_0=a; _oauth2_proxy_1=b"}, {"Host", "auth.example.com"}});
    EXPECT_EQ(out.rfind("HTTP/1.1 302", 0), 0u);
    EXPECT_NE(out.find("Location: /bye\r\n"), std::string::npos);
    EXPECT_NE(out.find("Set-Cookie: _oauth2_proxy_0=; Path=/; Domain=.example.com"), std::string::npos);
    EXPECT_NE(out.find("Set-Cookie: _oauth2_proxy_1=;"), std::string::npos);
    out = get("/oauth2/sign_out?rd=https%3A%2F%2Fapp.example.com%2Fhome");
    EXPECT_NE(out.find("Location: https://app.example.com/home\r\n"), std::string::npos) << out;
    for (auto rd : {"https://evil.org/", "//evil.org/", "/\\evil.org/", "https://badexample.com/"}) {
        out = get(std::string("/oauth2/sign_out?rd=") + rd);
        EXPECT_NE(out.find("Location: /\r\n"), std::string::npos) << rd;
    }
}

TEST_F(RouterTest, SignOutReadsXAuthRequestRedirectOnlyBehindAProxy) {
    configure({"--whitelist-domain=.example.com"});
    const std::vector<std::pair<std::string, std::string>> header{{"X-Auth-Request-Redirect", "https://app.example.com/"}};
    EXPECT_NE(get("/oauth2/sign_out", header).find("Location: /oauth2/signed_out\r\n"), std::string::npos);
    configure({"--whitelist-domain=.example.com", "--reverse-proxy"});
    EXPECT_NE(get("/oauth2/sign_out", header).find("Location: https://app.example.com/\r\n"), std::string::npos);
}

TEST_F(RouterTest, PublicRoutesPassWithoutSessionAndWithoutIdentity) {
    configure({"--reverse-proxy", "--set-xauthrequest", "--skip-auth-route=GET=^/public/"});
    // A signed-in request first, so this thread's session buffer holds alice.
    EXPECT_NE(get("/oauth2/auth", {{"Cookie", cookie_for(test::alice())},
                                   {"X-Original-URL", "https://app.example.com/"},
                                   {"X-Original-Method", "GET"}})
                  .find("X-Auth-Request-User"),
              std::string::npos);
    const auto out = get("/oauth2/auth", {{"X-Original-URL", "https://app.example.com/public/logo.png?v=1"},
                                          {"X-Original-Method", "GET"}});
    EXPECT_EQ(out.rfind("HTTP/1.1 202", 0), 0u) << out;
    // Identity headers, if any, are empty (Caddy 2.6 would copy a missing one as a literal placeholder).
    const auto user = out.find("X-Auth-Request-User:");
    ASSERT_NE(user, std::string::npos) << out;
    EXPECT_EQ(out.substr(user, 23), "X-Auth-Request-User: \r\n") << out;
    EXPECT_EQ(out.find("GAP-Auth"), std::string::npos) << out;
    EXPECT_EQ(out.find("alice"), std::string::npos);
    // A dot segment: apps differ in whether they resolve it, so it is refused.
    EXPECT_EQ(get("/oauth2/auth", {{"X-Original-URL", "https://app.example.com/public/../admin"}, {"X-Original-Method", "GET"}})
                  .rfind("HTTP/1.1 403", 0),
              0u);
    EXPECT_EQ(get("/oauth2/auth", {{"X-Original-URL", "https://app.example.com/public/x"}, {"X-Original-Method", "POST"}})
                  .rfind("HTTP/1.1 401", 0),
              0u);
    // /oauth2/auth reads X-Original-* (--original-request-headers=x-original): without them the original request is
    // unknown and a rule depends on it, so it is refused (403: nginx turns other statuses into a 500), and the
    // X-Forwarded-* family a client may add is never read instead.
    EXPECT_EQ(get("/oauth2/auth", {{"X-Original-URL", "https://app.example.com/public/x"}}).rfind("HTTP/1.1 403", 0), 0u);
    EXPECT_EQ(get("/oauth2/auth", {{"X-Forwarded-Uri", "/public/x"}, {"X-Forwarded-Method", "GET"},
                                   {"X-Forwarded-Host", "app.example.com"}})
                  .rfind("HTTP/1.1 403", 0),
              0u);
    // /oauth2/forward_auth reads X-Forwarded-* only.
    EXPECT_EQ(get("/oauth2/forward_auth", {{"X-Forwarded-Uri", "/public/x"}, {"X-Forwarded-Method", "GET"},
                                           {"X-Forwarded-Host", "app.example.com"}})
                  .rfind("HTTP/1.1 200", 0),
              0u);
    EXPECT_EQ(get("/oauth2/forward_auth", {{"X-Forwarded-Uri", "/admin"}, {"X-Forwarded-Method", "GET"},
                                           {"X-Forwarded-Host", "app.example.com"},
                                           {"X-Original-URL", "https://app.example.com/public/x"},
                                           {"X-Original-Method", "GET"}})
                  .rfind("HTTP/1.1 302", 0),
              0u);
}

TEST_F(RouterTest, TheAuthDoorReadsTheFamilyTheOperatorChose) {
    configure({"--reverse-proxy", "--skip-auth-route=GET=^/public/", "--original-request-headers=x-forwarded"});
    const std::vector<std::pair<std::string, std::string>> forwarded{
        {"X-Forwarded-Uri", "/public/x"}, {"X-Forwarded-Method", "GET"}, {"X-Forwarded-Host", "app.example.com"}};
    EXPECT_EQ(get("/oauth2/auth", forwarded).rfind("HTTP/1.1 202", 0), 0u);
    // Traefik's ingress-nginx provider passes a client's X-Original-URL through: it is never read.
    EXPECT_EQ(get("/oauth2/auth", {{"X-Forwarded-Uri", "/admin"}, {"X-Forwarded-Method", "GET"},
                                   {"X-Forwarded-Host", "app.example.com"},
                                   {"X-Original-URL", "https://app.example.com/public/x"}, {"X-Original-Method", "GET"}})
                  .rfind("HTTP/1.1 401", 0),
              0u);
}

TEST_F(RouterTest, PublicRoutesNeedTheProxyToBeTrusted) {
    configure({"--skip-auth-route=^/public/"});
    // Not "unknown, so no rule applies": the door needs the headers and cannot believe them, so it refuses.
    const auto out = get("/oauth2/auth", {{"X-Original-URL", "https://app.example.com/public/x"}, {"X-Original-Method", "GET"}});
    EXPECT_EQ(out.rfind("HTTP/1.1 403", 0), 0u) << out;
}

TEST_F(RouterTest, PingUserAgentAnswersOnlyOnThePingPath) {
    // oauth2-proxy CVE-2026-34457: a health checker's User-Agent made any path answer 200, which nginx reads as
    // "allowed". Here the User-Agent changes nothing: the auth door and the upstream side decide as usual.
    configure({"--ping-user-agent=GoogleHC/1.0"});
    EXPECT_EQ(get("/oauth2/auth", {{"User-Agent", "GoogleHC/1.0"}}).rfind("HTTP/1.1 401", 0), 0u);
    EXPECT_EQ(get("/admin", {{"User-Agent", "GoogleHC/1.0"}, {"Accept", "application/json"}}).rfind("HTTP/1.1 401", 0), 0u);
    EXPECT_EQ(get("/ping", {{"User-Agent", "GoogleHC/1.0"}}).rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(RouterTest, TrustedProxyIpLimitsWhoseForwardedHeadersCount) {
    configure({"--reverse-proxy", "--trusted-proxy-ip=10.0.0.0/8", "--skip-auth-route=^/public/",
               "--whitelist-domain=.example.com"});
    const std::vector<std::pair<std::string, std::string>> public_url{
        {"X-Original-URL", "https://app.example.com/public/x"}, {"X-Original-Method", "GET"}};
    peer_address = "10.1.2.3";
    EXPECT_EQ(get("/oauth2/auth", public_url).rfind("HTTP/1.1 202", 0), 0u);
    peer_address = "::ffff:10.1.2.3";
    EXPECT_EQ(get("/oauth2/auth", public_url).rfind("HTTP/1.1 202", 0), 0u);
    // The same headers from a client that reached Gatehouse directly: not believed, and refused.
    peer_address = "192.0.2.44";
    EXPECT_EQ(get("/oauth2/auth", public_url).rfind("HTTP/1.1 403", 0), 0u);
    const std::vector<std::pair<std::string, std::string>> redirect{
        {"X-Auth-Request-Redirect", "https://app.example.com/"}};
    EXPECT_NE(get("/oauth2/sign_out", redirect).find("Location: /oauth2/signed_out\r\n"), std::string::npos);
    peer_address = "10.1.2.3";
    EXPECT_NE(get("/oauth2/sign_out", redirect).find("Location: https://app.example.com/\r\n"), std::string::npos);
}

TEST_F(RouterTest, UnknownOauthPathIs404) {
    configure({});
    EXPECT_EQ(get("/oauth2/nope").rfind("HTTP/1.1 404", 0), 0u);
}

TEST_F(RouterTest, HonoursProxyPrefix) {
    configure({"--proxy-prefix=/sso/"});
    EXPECT_EQ(get("/sso/auth", {{"Cookie", cookie_for(test::alice())}}).rfind("HTTP/1.1 202", 0), 0u);
    // Outside the prefix: the upstream side, not signed in: the sign-in page for a browser, 401 for a program.
    const auto page = get("/oauth2/auth");
    EXPECT_EQ(page.rfind("HTTP/1.1 403", 0), 0u) << page;
    EXPECT_NE(page.find("/sso/start?rd=%2Foauth2%2Fauth"), std::string::npos) << page;
    EXPECT_EQ(get("/oauth2/auth", {{"Accept", "application/json"}}).rfind("HTTP/1.1 401", 0), 0u);
}

}  // namespace

TEST_F(RouterTest, ServesTheStaticStylesheetsUnderTheProxyPrefixOnly) {
    configure({"--proxy-prefix=/auth"});
    const auto css = get("/auth/static/css/bulma.min.css");
    EXPECT_EQ(css.rfind("HTTP/1.1 200", 0), 0u);
    EXPECT_NE(css.find("Content-Type: text/css; charset=utf-8"), std::string::npos);
    EXPECT_EQ(get("/auth/static/css/all.min.css").rfind("HTTP/1.1 200", 0), 0u);
    EXPECT_EQ(get("/auth/static/../static/css/bulma.min.css").rfind("HTTP/1.1 404", 0), 0u);
    EXPECT_EQ(get("/oauth2/static/css/bulma.min.css").rfind("HTTP/1.1 200", 0), std::string::npos);
}
