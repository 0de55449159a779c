// --alpha-config (options/alpha_config.*): oauth2-proxy's alpha YAML builds the configuration its equivalent flags
// build, refuses what Gatehouse cannot do by YAML path (every problem at once), and refuses the legacy flags it
// replaces from every source.
#include "options/alpha_config.hpp"

#include <gtest/gtest.h>

#include "identity/identity_headers.hpp"
#include "options/component_configs.hpp"
#include "options/parse_options.hpp"
#include "proxy/upstream_head.hpp"
#include "test_options.hpp"
#include "test_sessions.hpp"

using namespace gh;
using namespace gh::options;

namespace {

const std::string kCfg = "cookie_secret=\"" + test::kCookieSecret + "\"\nemail_domains=\"example.com\"\ncookie_secure=\"false\"\n";

// oauth2-proxy's contrib alpha file, in shape (providers, upstreams, headers, server).
const std::string kAlpha = R"(server:
  bindAddress: "127.0.0.1:4180"
upstreamConfig:
  upstreams:
    - id: httpbin
      path: /
      uri: http://httpbin:8080
injectRequestHeaders:
  - name: X-Forwarded-User
    values:
      - claimSource:
          claim: user
  - name: X-Forwarded-Email
    values:
      - claimSource:
          claim: email
providers:
  - id: oidc
    provider: oidc
    clientSecret: b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK
    clientID: oauth2-proxy
    oidcConfig:
      issuerURL: http://dex.localtest.me:5556/dex
)";

// The one provider a file needs, for the tests about other sections.
const std::string kMinimalProvider = R"(providers:
  - id: p
    provider: oidc
    clientID: x
    clientSecret: y
    oidcConfig:
      issuerURL: https://idp
)";

ParseOutcome parse(std::vector<std::string> args, const std::string& alpha, Environment env = {},
                   std::string cfg = kCfg) {
    return parse_options(args, env, test::files({{"a.yaml", alpha}, {"c.cfg", cfg}, {"pw", "from-file\n"}}));
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace

TEST(AlphaConfig, BuildsWhatTheEquivalentFlagsBuild) {
    const auto alpha = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, kAlpha);
    ASSERT_TRUE(alpha.options) << joined(alpha.errors);
    const auto flags = parse({"--config=c.cfg", "--http-address=127.0.0.1:4180", "--upstream=http://httpbin:8080/",
                              "--provider=oidc", "--client-secret=b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK",
                              "--client-id=oauth2-proxy", "--oidc-issuer-url=http://dex.localtest.me:5556/dex"},
                             "");
    ASSERT_TRUE(flags.options) << joined(flags.errors);
    const Options& a = *alpha.options;
    const Options& f = *flags.options;
    EXPECT_EQ(a.provider, f.provider);
    EXPECT_EQ(a.client_id, f.client_id);
    EXPECT_EQ(a.client_secret.reveal(), f.client_secret.reveal());
    EXPECT_EQ(a.oidc_issuer_url, f.oidc_issuer_url);
    EXPECT_EQ(a.http_address.host, "127.0.0.1");
    EXPECT_EQ(a.http_address.port, 4180);
    ASSERT_EQ(a.upstreams.size(), 1u);
    EXPECT_EQ(a.upstreams[0].host, f.upstreams[0].host);
    EXPECT_EQ(a.upstreams[0].port, 8080);
    EXPECT_EQ(a.upstreams[0].path, "/");
    EXPECT_EQ(a.email_domains, f.email_domains);
    // Only the two headers the file names reach the upstream; nothing is added to the auth answer.
    EXPECT_FALSE(a.pass_user_headers);
    EXPECT_FALSE(a.pass_basic_auth);
    ASSERT_TRUE(a.inject_request_headers && a.inject_response_headers);
    ASSERT_EQ(a.inject_request_headers->size(), 2u);
    EXPECT_EQ((*a.inject_request_headers)[1].name, "X-Forwarded-Email");
    EXPECT_TRUE(a.inject_response_headers->empty());
    EXPECT_FALSE(f.inject_request_headers);
}

TEST(AlphaConfig, TheUpstreamHearsExactlyTheInjectedHeaders) {
    const auto out = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, kAlpha);
    ASSERT_TRUE(out.options) << joined(out.errors);
    const auto config = proxy_config(*out.options);
    http::Request::Message m{boost::beast::http::verb::get, "/x", 11};
    m.insert("Host", "app.example.com");
    m.insert("X-Forwarded-Email", "mallory@example.com");
    m.insert("X_Forwarded_User", "mallory");
    m.insert("Authorization", "Bearer client-token");
    const http::Request req(m, false, {boost::asio::ip::make_address("10.0.0.7"), false, nullptr});
    const auto s = test::alice();
    std::string head;
    proxy::write_upstream_head(req, config, out.options->upstreams[0], &s, "10.0.0.7", {std::nullopt}, head);
    EXPECT_NE(head.find("X-Forwarded-User: " + s.user + "\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("X-Forwarded-Email: alice@example.com\r\n"), std::string::npos) << head;
    EXPECT_EQ(head.find("mallory"), std::string::npos) << head;  // the client's look-alikes are gone
    EXPECT_EQ(head.find("X-Forwarded-Groups"), std::string::npos) << head;  // not asked for
    EXPECT_EQ(head.find("X-Forwarded-Preferred-Username"), std::string::npos) << head;
    // Authorization is not injected, so the client's own passes as with oauth2-proxy's alpha headers.
    EXPECT_NE(head.find("Authorization: Bearer client-token\r\n"), std::string::npos) << head;
}

TEST(AlphaConfig, ResponseHeadersFromClaimsSecretsAndBasicCredentials) {
    const std::string yaml = kAlpha + R"(injectResponseHeaders:
  - name: X-Auth-Request-Groups
    values:
      - claimSource:
          claim: groups
  - name: Authorization
    values:
      - claimSource:
          claim: email
          basicAuthPassword:
            fromFile: pw
  - name: X-Token
    values:
      - claimSource:
          claim: access_token
          prefix: "Bearer "
  - name: X-Static
    values:
      - secretSource:
          fromEnv: STATIC_VALUE
)";
    const auto out = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml, {{"STATIC_VALUE", "fixed"}});
    ASSERT_TRUE(out.options) << joined(out.errors);
    const auto config = doors_config(*out.options);
    std::vector<std::pair<std::string, std::string>> emitted;
    identity::for_each_identity_header(test::alice(), config, [&](std::string_view n, std::string_view v) {
        emitted.emplace_back(std::string(n), std::string(v));
    });
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"GAP-Auth", "alice@example.com"},
        {"X-Auth-Request-Groups", "/platform-team,/dev"},
        {"Authorization", identity::basic_credentials("alice@example.com", "from-file")},
        {"X-Token", "Bearer at-123"},
        {"X-Static", "fixed"}};
    EXPECT_EQ(emitted, expected);
}

TEST(AlphaConfig, EveryProblemIsNamedByItsPathAtOnce) {
    const std::string yaml = R"(server:
  bindAddress: "127.0.0.1:4180"
  tls:
    minVersion: TLS1.3
upstreamConfig:
  upstreams:
    - id: a
      path: ^/api/(.*)$
      uri: http://api
    - id: b
      path: /b
      uri: http://b/other
injectResponseHeaders:
  - name: X-Ok
    values:
      - claimSource:
          claim: email
  - name: X-Nickname
    values:
      - claimSource:
          claim: nickname
  - name: X-User
    preserveRequestValue: true
    values:
      - claimSource:
          claim: user
providers:
  - id: one
    provider: oidc
    clientID: x
    clientSecret: y
    profileURL: https://idp/profile
    oidcConfig:
      issuerURL: https://idp
      issuerUrl: https://typo
      issuer: https://typo
)";
    const auto out = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml);
    ASSERT_FALSE(out.options);
    const std::string all = joined(out.errors);
    for (const char* path : {"server.tls.minVersion: not supported", "upstreamConfig.upstreams[0].path: ",
                             "upstreamConfig.upstreams[1].uri: ", "injectResponseHeaders[1].values[0].claimSource.claim: 'nickname'",
                             "injectResponseHeaders[2].preserveRequestValue: not supported",
                             "providers[0].profileURL: not supported", "providers[0].oidcConfig.issuerUrl: given twice",
                             "providers[0].oidcConfig.issuer: unknown key"})
        EXPECT_NE(all.find(std::string("--alpha-config a.yaml: ") + path), std::string::npos) << path << "\n" << all;
    EXPECT_EQ(out.errors.size(), 8u) << all;
}

TEST(AlphaConfig, ExactlyOneProviderAndABindAddress) {
    const auto none = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, "upstreamConfig: {}\n");
    const std::string all = joined(none.errors);
    EXPECT_NE(all.find("providers: missing"), std::string::npos) << all;
    EXPECT_NE(all.find("server: missing"), std::string::npos) << all;
    std::string two = kAlpha + "  - id: second\n    provider: oidc\n";
    const auto both = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, two);
    EXPECT_NE(joined(both.errors).find("providers: multiple providers are not supported"), std::string::npos)
        << joined(both.errors);
}

TEST(AlphaConfig, TheFlagsItReplacesAreRefusedFromEverySource) {
    const auto flag = parse({"--config=c.cfg", "--alpha-config=a.yaml", "--client-id=other"}, kAlpha);
    ASSERT_FALSE(flag.options);
    EXPECT_NE(joined(flag.errors).find("--client-id: not read beside --alpha-config"), std::string::npos) << joined(flag.errors);
    const auto env = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, kAlpha, {{"OAUTH2_PROXY_UPSTREAMS", "static://200"}});
    EXPECT_NE(joined(env.errors).find("OAUTH2_PROXY_UPSTREAMS: not read beside --alpha-config"), std::string::npos)
        << joined(env.errors);
    const auto cfg = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, kAlpha, {}, kCfg + "set_xauthrequest=true\n");
    EXPECT_NE(joined(cfg.errors).find("set_xauthrequest: not read beside --alpha-config"), std::string::npos)
        << joined(cfg.errors);
    // Core settings stay flags, as in oauth2-proxy.
    const auto core = parse({"--config=c.cfg", "--alpha-config=a.yaml", "--reverse-proxy", "--cookie-domain=.example.com"}, kAlpha);
    EXPECT_TRUE(core.options) << joined(core.errors);
}

TEST(AlphaConfig, NamedOnlyByTheFlag) {
    const auto env = parse({"--config=c.cfg"}, kAlpha, {{"OAUTH2_PROXY_ALPHA_CONFIG", "a.yaml"}});
    EXPECT_NE(joined(env.errors).find("OAUTH2_PROXY_ALPHA_CONFIG: the alpha configuration is named only by the flag"), std::string::npos)
        << joined(env.errors);
    const auto cfg = parse({"--config=c.cfg"}, kAlpha, {}, kCfg + "alpha_config=\"a.yaml\"\n");
    EXPECT_NE(joined(cfg.errors).find("alpha_config: the alpha configuration is named only by the flag"), std::string::npos)
        << joined(cfg.errors);
    const auto missing = parse({"--config=c.cfg", "--alpha-config=nowhere.yaml"}, kAlpha);
    EXPECT_NE(joined(missing.errors).find("--alpha-config: cannot read nowhere.yaml"), std::string::npos);
}

TEST(AlphaConfig, EnvironmentReferencesAreSubstitutedAndAMissingOneRefused) {
    std::string yaml = kAlpha;
    yaml.replace(yaml.find("b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK"), 36, "${CLIENT_SECRET}");
    const auto set = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml, {{"CLIENT_SECRET", "from-env"}});
    ASSERT_TRUE(set.options) << joined(set.errors);
    EXPECT_EQ(set.options->client_secret.reveal(), "from-env");
    const auto unset = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml);
    EXPECT_NE(joined(unset.errors).find("$CLIENT_SECRET is not set"), std::string::npos) << joined(unset.errors);
}

TEST(AlphaConfig, ABadValueIsNamedByItsPathThroughTheFlagsParser) {
    std::string yaml = kAlpha;
    yaml.replace(yaml.find("127.0.0.1:4180"), 14, "nowhere");
    const auto out = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml);
    ASSERT_FALSE(out.options);
    EXPECT_NE(joined(out.errors).find("a.yaml: server.bindAddress: "), std::string::npos) << joined(out.errors);
}

TEST(AlphaConfig, StaticUpstreamsAndDisagreeingSharedSettings) {
    const std::string yaml = R"(server:
  bindAddress: ":4180"
upstreamConfig:
  upstreams:
    - id: ok
      path: /
      static: true
      staticCode: 202
    - id: a
      path: /a/
      uri: http://a
      passHostHeader: false
    - id: b
      path: /b/
      uri: http://b
)" + kMinimalProvider;
    const auto out = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml);
    EXPECT_NE(joined(out.errors).find("upstreamConfig.upstreams[2].passHostHeader: differs from upstreamConfig.upstreams[1].passHostHeader"),
              std::string::npos) << joined(out.errors);
    std::string agreeing = yaml;
    agreeing.replace(agreeing.find("      passHostHeader: false\n"), 28, "");
    const auto ok = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, agreeing);
    ASSERT_TRUE(ok.options) << joined(ok.errors);
    ASSERT_EQ(ok.options->upstreams.size(), 3u);
    EXPECT_EQ(ok.options->upstreams[0].kind, Options::Upstream::Kind::static_response);
    EXPECT_EQ(ok.options->upstreams[0].status, 202);
    EXPECT_EQ(ok.options->upstreams[2].path, "/b/");
}

// oauth2-proxy decodes keys regardless of case (its own chart writes BindAddress).
TEST(AlphaConfig, KeysAreReadRegardlessOfCase) {
    std::string yaml = kAlpha;
    yaml.replace(yaml.find("bindAddress"), 11, "BindAddress");
    yaml.replace(yaml.find("clientID"), 8, "ClientID");
    const auto out = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml);
    ASSERT_TRUE(out.options) << joined(out.errors);
    EXPECT_EQ(out.options->http_address.port, 4180);
    EXPECT_EQ(out.options->client_id, "oauth2-proxy");
}

TEST(AlphaConfig, FileUpstreamsAndTlsFromFiles) {
    const std::string yaml = R"(server:
  bindAddress: "127.0.0.1:4180"
  secureBindAddress: "127.0.0.1:4443"
  tls:
    cert:
      fromFile: /etc/tls/cert.pem
    key:
      value: inline-key
upstreamConfig:
  upstreams:
    - id: files
      path: /static/
      uri: file:///var/www
)" + kMinimalProvider;
    const auto out = parse({"--config=c.cfg", "--alpha-config=a.yaml"}, yaml);
    const std::string all = joined(out.errors);
    // The key inline is refused by its path; the certificate file is taken as --tls-cert-file.
    EXPECT_NE(all.find("a.yaml: server.tls.key: only fromFile is supported"), std::string::npos) << all;
    std::string from_files = yaml;
    from_files.replace(from_files.find("value: inline-key"), 17, "fromFile: /etc/tls/key.pem");
    const auto raw = collect_raw_config({"--config=c.cfg", "--alpha-config=a.yaml"}, {},
                                        test::files({{"a.yaml", from_files}, {"c.cfg", kCfg}}));
    EXPECT_EQ(raw.get("tls-cert-file").values, std::vector<std::string>{"/etc/tls/cert.pem"});
    EXPECT_EQ(raw.get("tls-key-file").values, std::vector<std::string>{"/etc/tls/key.pem"});
    EXPECT_EQ(raw.get("https-address").origin, "a.yaml: server.secureBindAddress");
    EXPECT_EQ(raw.get("upstream").values, std::vector<std::string>{"file:///var/www#/static/"});
}
