#include "options/parse_options.hpp"

#include <gtest/gtest.h>

#include "options/service_links.hpp"
#include "test_options.hpp"

using namespace gh::options;
using gh::test::base_args;
using gh::test::files;
using gh::test::must_parse;

namespace {
std::vector<std::string> errors_of(std::vector<std::string> args, Environment env = {},
                                   std::map<std::string, std::string> fs = {}) {
    return parse_options(args, env, files(fs)).errors;
}
}  // namespace

TEST(ParseOptions, AcceptsTheSeedDeploymentUnchanged) {
    const auto o = must_parse({"--provider=oidc", "--oidc-issuer-url=https://keycloak.example.com/realms/main",
                               "--client-id=gatehouse", "--client-secret=abc",
                               "--cookie-secret=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=", "--email-domain=*",
                               "--upstream=static://200", "--http-address=0.0.0.0:4180", "--reverse-proxy=true",
                               "--cookie-secure=true", "--cookie-domain=.example.com",
                               "--whitelist-domain=.example.com", "--set-xauthrequest=true",
                               "--pass-access-token=true", "--allowed-group=/platform-team",
                               "--oidc-groups-claim=groups", "--session-store-type=cookie", "--cookie-samesite=lax",
                               "--cookie-expire=168h", "--cookie-refresh=1h", "--cookie-name=_sso",
                               "--cookie-path=/", "--cookie-httponly=true"});
    EXPECT_EQ(o.provider, "oidc");
    EXPECT_EQ(o.cookie_secret.reveal().size(), 32u);
    EXPECT_EQ(o.email_domains, std::vector<std::string>{"*"});
    ASSERT_EQ(o.upstreams.size(), 1u);
    EXPECT_EQ(o.upstreams[0].kind, Options::Upstream::Kind::static_response);
    EXPECT_EQ(o.upstreams[0].status, 200);
    EXPECT_FALSE(o.proxies());
    EXPECT_EQ(o.http_address.port, 4180);
    EXPECT_TRUE(o.reverse_proxy);
    EXPECT_EQ(o.cookie_domains, std::vector<std::string>{".example.com"});
    EXPECT_EQ(o.whitelist_domains, std::vector<std::string>{".example.com"});
    EXPECT_TRUE(o.set_xauthrequest);
    EXPECT_TRUE(o.pass_access_token);
    EXPECT_EQ(o.allowed_groups, std::vector<std::string>{"/platform-team"});
    EXPECT_EQ(o.cookie_samesite, gh::session::SameSite::lax);
    EXPECT_EQ(o.cookie_expire, std::chrono::hours(168));
    EXPECT_EQ(o.cookie_refresh, std::chrono::hours(1));
    EXPECT_EQ(o.cookie_name, "_sso");
}

TEST(ParseOptions, HasOauth2ProxyDefaults) {
    const auto o = must_parse(base_args());
    EXPECT_EQ(o.cookie_name, "_oauth2_proxy");
    EXPECT_EQ(o.cookie_path, "/");
    EXPECT_TRUE(o.cookie_secure);
    EXPECT_TRUE(o.cookie_httponly);
    EXPECT_EQ(o.cookie_expire, std::chrono::hours(168));
    EXPECT_EQ(o.cookie_refresh.count(), 0);
    EXPECT_EQ(o.http_address.host, "0.0.0.0");
    EXPECT_EQ(o.http_address.port, 4180);
    EXPECT_EQ(o.proxy_prefix, "/oauth2");
    EXPECT_FALSE(o.set_xauthrequest);
}

TEST(ParseOptions, AcceptsSeparateValueAndBareBoolean) {
    const auto o = must_parse(base_args({"--cookie-name", "_x", "--reverse-proxy", "--set-xauthrequest"}));
    EXPECT_EQ(o.cookie_name, "_x");
    EXPECT_TRUE(o.reverse_proxy);
    EXPECT_TRUE(o.set_xauthrequest);
}

TEST(ParseOptions, RepeatedAndCommaSeparatedListFlagsAccumulate) {
    const auto o = must_parse(base_args({"--allowed-group=a", "--allowed-group=b,c"}));
    EXPECT_EQ(o.allowed_groups, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ParseOptions, ReadsEnvironmentNamedAfterCfgKeys) {
    const auto o = must_parse({"--oidc-issuer-url=https://idp", "--client-id=a", "--client-secret=b"},
                              {{"OAUTH2_PROXY_COOKIE_SECRET", gh::test::kCookieSecret},
                               {"OAUTH2_PROXY_EMAIL_DOMAINS", "example.com,example.org"},
                               {"OAUTH2_PROXY_COOKIE_DOMAINS", ".example.com"},
                               {"OAUTH2_PROXY_ALLOWED_GROUPS", "ops"},
                               {"OAUTH2_PROXY_SET_XAUTHREQUEST", "true"}});
    EXPECT_EQ(o.email_domains, (std::vector<std::string>{"example.com", "example.org"}));
    EXPECT_EQ(o.cookie_domains, std::vector<std::string>{".example.com"});
    EXPECT_EQ(o.allowed_groups, std::vector<std::string>{"ops"});
    EXPECT_TRUE(o.set_xauthrequest);
}

TEST(ParseOptions, ReadsCfgFile) {
    const std::string cfg = R"(
client_id = "from-file"
cookie_secret = "0123456789abcdef"
email_domains = ["example.com"]
upstreams = ["static://202"]
cookie_secure = false
)";
    auto out = parse_options({"--config=/etc/gh.cfg", "--oidc-issuer-url=https://idp", "--client-secret=x"}, {},
                             files({{"/etc/gh.cfg", cfg}}));
    ASSERT_TRUE(out.options) << (out.errors.empty() ? "" : out.errors.front());
    EXPECT_EQ(out.options->client_id, "from-file");
    EXPECT_EQ(out.options->email_domains, std::vector<std::string>{"example.com"});
    ASSERT_EQ(out.options->upstreams.size(), 1u);
    EXPECT_EQ(out.options->upstreams[0].status, 202);
    EXPECT_FALSE(out.options->cookie_secure);
}

TEST(ParseOptions, PrecedenceIsFlagThenEnvThenFileThenDefault) {
    const std::string cfg = "cookie_name = \"file\"\ncookie_path = \"/file\"\ncookie_samesite = \"strict\"\n";
    const auto fs = files({{"c.cfg", cfg}});
    const Environment env{{"OAUTH2_PROXY_COOKIE_NAME", "env"}, {"OAUTH2_PROXY_COOKIE_PATH", "/env"}};
    auto out = parse_options(base_args({"--config=c.cfg", "--cookie-name=flag"}), env, fs);
    ASSERT_TRUE(out.options);
    EXPECT_EQ(out.options->cookie_name, "flag");
    EXPECT_EQ(out.options->cookie_path, "/env");
    EXPECT_EQ(out.options->cookie_samesite, gh::session::SameSite::strict);
    EXPECT_TRUE(out.options->cookie_httponly);
}

TEST(ParseOptions, FlagListReplacesEnvListInsteadOfMerging) {
    const auto o = must_parse(base_args({"--email-domain=flag.com"}), {{"OAUTH2_PROXY_EMAIL_DOMAINS", "env.com"}});
    EXPECT_EQ(o.email_domains, (std::vector<std::string>{"flag.com"}));
}

TEST(ParseOptions, ReadsClientSecretFileWithoutTrailingNewline) {
    auto out = parse_options({"--oidc-issuer-url=https://idp", "--client-id=a", "--client-secret-file=/run/s",
                              "--cookie-secret=0123456789abcdef", "--email-domain=*"},
                             {}, files({{"/run/s", "very-secret\n"}}));
    ASSERT_TRUE(out.options);
    EXPECT_EQ(out.options->client_secret.reveal(), "very-secret");
}

TEST(ParseOptions, CookieSecretFromAFileAndPreviousSecretsForRotation) {
    const std::string secret32 = "0123456789abcdef0123456789abcdef";
    auto out = parse_options({"--oidc-issuer-url=https://idp", "--client-id=a", "--client-secret=b",
                              "--cookie-secret-file=/run/cookie", "--cookie-secret-previous=fedcba9876543210",
                              "--email-domain=*"},
                             {{"OAUTH2_PROXY_COOKIE_SECRETS_PREVIOUS", "ignored-when-the-flag-is-given"}},
                             files({{"/run/cookie", secret32 + "\n"}}));
    ASSERT_TRUE(out.options) << (out.errors.empty() ? "" : out.errors.front());
    EXPECT_EQ(out.options->cookie_secret.reveal(), secret32);
    ASSERT_EQ(out.options->previous_cookie_secrets.size(), 1u);
    EXPECT_EQ(out.options->previous_cookie_secrets[0].reveal(), "fedcba9876543210");
    const auto ring = cookie_secrets(*out.options);
    EXPECT_EQ(ring.previous.size(), 1u);

    // Both ways at once, an unreadable file, a bad previous secret: one line each, never the value.
    EXPECT_EQ(errors_of({"--oidc-issuer-url=https://idp", "--client-id=a", "--client-secret=b", "--email-domain=*",
                         "--cookie-secret=" + secret32, "--cookie-secret-file=/run/cookie"}),
              (std::vector<std::string>{"--cookie-secret-file: give either --cookie-secret or --cookie-secret-file, not both"}));
    EXPECT_EQ(errors_of({"--oidc-issuer-url=https://idp", "--client-id=a", "--client-secret=b", "--email-domain=*",
                         "--cookie-secret-file=/nonexistent/cookie"}),
              (std::vector<std::string>{"--cookie-secret-file: cannot read /nonexistent/cookie"}));
    const auto bad = errors_of(base_args({"--cookie-secret-previous=not-a-valid-secret-XYZ"}));
    EXPECT_EQ(bad, (std::vector<std::string>{
                       "--cookie-secret-previous: must be 16, 24 or 32 bytes, raw or base64 (got 22 characters)"}));
}

TEST(ParseOptions, EachBadValueIsOneLineNamingItsFlag) {
    const auto errors = errors_of(base_args({"--cookie-secret=short", "--cookie-expire=7x", "--http-address=nope",
                                             "--cookie-samesite=sometimes", "--provider=myidp",
                                             "--oidc-issuer-url=not-a-url", "--cookie-secure=maybe"}));
    ASSERT_EQ(errors.size(), 7u);
    const std::vector<std::string> flags{"--provider", "--oidc-issuer-url", "--cookie-secret", "--cookie-expire",
                                         "--cookie-secure", "--cookie-samesite", "--http-address"};
    for (std::size_t i = 0; i < errors.size(); ++i) {
        EXPECT_EQ(errors[i].rfind(flags[i] + ":", 0), 0u) << errors[i];
        EXPECT_EQ(errors[i].find('\n'), std::string::npos);
    }
}

TEST(ParseOptions, UnknownAndUnsupportedFlagsAreRefusedByName) {
    auto errors = errors_of(base_args({"--no-such-flag=1", "--logging-filename=/var/log/x", "--gcp-healthchecks"}));
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0], "--no-such-flag: unknown flag");
    EXPECT_EQ(errors[1], "--logging-filename: not supported by Gatehouse (Gatehouse logs to standard output; the "
                         "container runtime keeps and rotates it)");
    EXPECT_EQ(errors[2], "--gcp-healthchecks: not supported by Gatehouse (point the load balancer's health check at --ping-path (/ping))");
}

TEST(ParseOptions, UnsupportedSettingsInEnvAndFileAreRefusedToo) {
    auto errors = errors_of(base_args({"--config=c.cfg"}),
                            {{"OAUTH2_PROXY_TLS_MIN_VERSION", "TLS1.3"}},
                            {{"c.cfg", "session_cookie_minimal = true\nbogus_key = 1\n"}});
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0], "c.cfg:1 session_cookie_minimal: not supported by Gatehouse (use --session-store-type=redis: "
                         "the cookie then holds only a ticket)");
    EXPECT_EQ(errors[1], "c.cfg:2 bogus_key: unknown setting");
    EXPECT_EQ(errors[2], "OAUTH2_PROXY_TLS_MIN_VERSION: not supported by Gatehouse (TLS 1.2 or later with OpenSSL's "
                         "defaults; terminate TLS at the ingress for others)");
}

TEST(ParseOptions, AnUnsupportedSettingAtAValueThatChangesNothingIsAccepted) {
    // oauth2-proxy's defaults, as its example cfg and many Helm values spell them out, from each source.
    EXPECT_EQ(errors_of(base_args({"--insecure-oidc-skip-nonce=false", "--logging-max-size", "100", "--logging-compress=false",
                                   "--request-id-header=X-Request-Id", "--flush-interval=1s", "--tls-cipher-suite="})),
              std::vector<std::string>{});
    EXPECT_EQ(errors_of(base_args({"--config=c.cfg"}),
                        {{"OAUTH2_PROXY_LOGGING_FILENAME", ""}, {"OAUTH2_PROXY_GCP_HEALTHCHECKS", "FALSE"}},
                        {{"c.cfg", "logging_filename = \"\"\nlogging_max_size = 100\ntls_cipher_suites = []\n"
                                   "insecure_oidc_skip_nonce = true\nflush_interval = \"1000ms\"\n"}}),
              std::vector<std::string>{});
    // Any other value would change behaviour: refused by name, whatever the source.
    const auto errors = errors_of(base_args({"--config=c.cfg", "--logging-max-size=101", "--flush-interval", "2s"}),
                                  {{"OAUTH2_PROXY_TLS_CIPHER_SUITES", "TLS_AES_128_GCM_SHA256"}},
                                  {{"c.cfg", "logging_compress = true\n"}});
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0].rfind("--logging-max-size: not supported", 0), 0u) << errors[0];
    EXPECT_EQ(errors[1].rfind("--flush-interval: not supported", 0), 0u) << errors[1];
    EXPECT_EQ(errors[2].rfind("c.cfg:1 logging_compress: not supported by Gatehouse (", 0), 0u) << errors[2];
    EXPECT_EQ(errors[3].rfind("OAUTH2_PROXY_TLS_CIPHER_SUITES: not supported by Gatehouse (", 0), 0u) << errors[3];
}

TEST(ParseOptions, DefaultsAreOauth2Proxys) {
    auto args = base_args();
    args.erase(args.begin());  // no --provider
    const auto errors = errors_of(args);
    // google is the default provider: its own checks apply (the issuer given here stays).
    EXPECT_EQ(errors, std::vector<std::string>{});
    EXPECT_EQ(must_parse(args).provider, "google");
    EXPECT_EQ(must_parse(base_args()).approval_prompt, "force");
    EXPECT_EQ(must_parse(base_args()).prompt, "") << "approval_prompt is sent as itself, not as prompt=consent";
}

TEST(ParseOptions, Oauth2ProxysProviderFlags) {
    // --user-id-claim: the deprecated name of --oidc-email-claim, used while that is left at email.
    EXPECT_EQ(must_parse(base_args({"--user-id-claim=upn"})).oidc_email_claim, "upn");
    EXPECT_EQ(must_parse(base_args({"--user-id-claim=upn", "--oidc-email-claim=mail"})).oidc_email_claim, "mail");
    // --keycloak-group: keycloak-oidc's allowed groups.
    const auto kc = must_parse(base_args({"--provider=keycloak-oidc", "--keycloak-group=/admins", "--allowed-group=ops"}));
    EXPECT_EQ(kc.allowed_groups, (std::vector<std::string>{"ops", "/admins"}));
    EXPECT_EQ(errors_of(base_args({"--keycloak-group=/admins"})),
              std::vector<std::string>{"--keycloak-group: only applies to --provider=keycloak-oidc"});
    const auto old = errors_of(base_args({"--provider=keycloak"}));
    ASSERT_EQ(old.size(), 1u);
    EXPECT_NE(old[0].find("use --provider=keycloak-oidc"), std::string::npos) << old[0];
    EXPECT_EQ(errors_of(base_args({"--entra-id-allowed-tenant=t1"})),
              std::vector<std::string>{"--entra-id-allowed-tenant: only applies to --provider=azure or entra-id"});
    // --relative-redirect-url: the redirect_uri is a path (<proxy-prefix>/callback unless given).
    EXPECT_EQ(must_parse(base_args({"--relative-redirect-url", "--proxy-prefix=/auth"})).redirect_url, "/auth/callback");
    EXPECT_EQ(must_parse(base_args({"--relative-redirect-url", "--redirect-url=/cb"})).redirect_url, "/cb");
    EXPECT_EQ(errors_of(base_args({"--redirect-url=/cb"})),
              std::vector<std::string>{"--redirect-url: a path needs --relative-redirect-url (else give the absolute callback URL)"});
    // --use-system-trust-store matters only with CA files: without them the system's CAs are trusted anyway.
    EXPECT_TRUE(must_parse(base_args()).use_system_trust_store);
    // --skip-auth-strip-headers: true is what Gatehouse always does; false is refused with the reason.
    EXPECT_EQ(errors_of(base_args({"--skip-auth-strip-headers=true"})), std::vector<std::string>{});
    const auto strip = errors_of(base_args({"--skip-auth-strip-headers=false"}));
    ASSERT_EQ(strip.size(), 1u);
    EXPECT_EQ(strip[0].rfind("--skip-auth-strip-headers: false is not supported", 0), 0u) << strip[0];
    // --trusted-ip alone: accepted as oauth2-proxy does, with a warning that it does nothing here.
    const auto alone = must_parse(base_args({"--trusted-ip=10.0.0.0/8"}));
    EXPECT_TRUE(alone.trusted_ips.empty());
    ASSERT_EQ(alone.warnings.size(), 1u);
    EXPECT_NE(alone.warnings[0].find("--trusted-ip has no effect without --reverse-proxy"), std::string::npos);
}

TEST(ParseOptions, EveryUnknownOauth2ProxyVariableIsRefusedByName) {
    // A misspelt restriction, an oauth2-proxy setting Gatehouse lacks, and one oauth2-proxy never read either: each
    // was silently ignored, so a deployment started without the restriction it was given.
    const auto errors = errors_of(base_args(), {{"OAUTH2_PROXY_ALOWED_GROUPS", "admins"},
                                                {"OAUTH2_PROXY_BITBUCKET_TEAM", "admins"},
                                                {"OAUTH2_PROXY_CONFIG", "/etc/oauth2-proxy.cfg"},
                                                {"OAUTH2_PROXY_cookie_name", "lower"},
                                                {"HOME", "/root"}, {"OAUTH2_PROXY", "x"}});
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "OAUTH2_PROXY_ALOWED_GROUPS: unknown setting (gatehouse --help lists the variables it reads)",
                          "OAUTH2_PROXY_BITBUCKET_TEAM: not supported by Gatehouse (this provider is not supported; use its "
                          "OpenID Connect endpoints with --provider=oidc, or an IdP that federates it)",
                          "OAUTH2_PROXY_CONFIG: the cfg file is named only by the flag (--config=<file>)",
                          "OAUTH2_PROXY_cookie_name: unknown setting (gatehouse --help lists the variables it reads)"}));
}

TEST(ParseOptions, KubernetesServiceLinkVariablesAreNotSettings) {
    // What a pod gets from Services named oauth2-proxy (two named ports) and oauth2-proxy-redis-master.
    const Environment links{{"OAUTH2_PROXY_SERVICE_HOST", "10.96.12.7"},
                            {"OAUTH2_PROXY_SERVICE_PORT", "4180"},
                            {"OAUTH2_PROXY_SERVICE_PORT_HTTP", "4180"},
                            {"OAUTH2_PROXY_SERVICE_PORT_METRICS_HTTP", "44180"},
                            {"OAUTH2_PROXY_PORT", "tcp://10.96.12.7:4180"},
                            {"OAUTH2_PROXY_PORT_4180_TCP", "tcp://10.96.12.7:4180"},
                            {"OAUTH2_PROXY_PORT_4180_TCP_PROTO", "tcp"},
                            {"OAUTH2_PROXY_PORT_4180_TCP_PORT", "4180"},
                            {"OAUTH2_PROXY_PORT_4180_TCP_ADDR", "10.96.12.7"},
                            {"OAUTH2_PROXY_PORT_53_UDP_ADDR", "fd00:10:96::7"},
                            {"OAUTH2_PROXY_PORT_9000_SCTP", "sctp://[fd00:10:96::7]:9000"},
                            {"OAUTH2_PROXY_REDIS_MASTER_SERVICE_HOST", "10.96.40.2"},
                            {"OAUTH2_PROXY_REDIS_MASTER_PORT_6379_TCP_ADDR", "10.96.40.2"}};
    EXPECT_EQ(errors_of(base_args(), links), std::vector<std::string>{});
    // Only the shape of a service link is exempt: the same names with values no Kubernetes writes are refused.
    EXPECT_EQ(errors_of(base_args(), {{"OAUTH2_PROXY_SERVICE_HOST", "gatehouse.example.com"},
                                      {"OAUTH2_PROXY_PORT", "4180"},
                                      {"OAUTH2_PROXY_PORT_4180_TCP_PROTO", "http"}})
                  .size(),
              3u);
}

TEST(ParseOptions, NoSettingHasTheShapeOfAServiceLink) {
    // Derived from the tables, so that a row added later cannot be hidden by the service-link exemption.
    std::vector<std::string> keys;
    for (const auto& f : flag_table()) {
        keys.emplace_back(f.cfg_key);
        for (auto& k : other_setting_keys(f)) keys.push_back(k);
    }
    for (const auto& u : unsupported_flags()) {
        std::string k(u.name);
        std::replace(k.begin(), k.end(), '-', '_');
        keys.push_back(k);
        keys.push_back(k + "s");
    }
    for (const auto& key : keys) {
        std::string name = "OAUTH2_PROXY_";
        for (char c : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (const char* value : {"10.0.0.1", "4180", "tcp://10.0.0.1:4180", "tcp"})
            EXPECT_FALSE(is_kubernetes_service_link(name, value)) << name << "=" << value;
    }
}

TEST(ParseOptions, ListSettingsAreReadInBothNumbers) {
    // oauth2-proxy v6 and v7 read OAUTH2_PROXY_GOOGLE_GROUP (its cfg key was google_group); ignoring it let every
    // account of the domain in.
    const auto raw = collect_raw_config({}, {{"OAUTH2_PROXY_GOOGLE_GROUP", "admins@example.com"}}, files({}));
    EXPECT_EQ(raw.errors, std::vector<std::string>{});
    EXPECT_EQ(raw.get("google-group").values, std::vector<std::string>{"admins@example.com"});
    EXPECT_EQ(raw.get("google-group").origin, "OAUTH2_PROXY_GOOGLE_GROUP");
    EXPECT_EQ(errors_of(base_args(), {{"OAUTH2_PROXY_GOOGLE_GROUP", "admins@example.com"}}),
              std::vector<std::string>{"OAUTH2_PROXY_GOOGLE_GROUP: only applies to --provider=google"});

    const auto o = must_parse(
        {"--oidc-issuer-url=https://idp", "--client-id=a", "--client-secret=b"},
        {{"OAUTH2_PROXY_COOKIE_SECRET", gh::test::kCookieSecret}, {"OAUTH2_PROXY_EMAIL_DOMAIN", "example.com"},
         {"OAUTH2_PROXY_WHITELIST_DOMAIN", ".example.com"}, {"OAUTH2_PROXY_UPSTREAM", "static://202"},
         {"OAUTH2_PROXY_SKIP_AUTH_ROUTE", "GET=^/health$"}, {"OAUTH2_PROXY_ALLOWED_GROUP", "ops"},
         {"OAUTH2_PROXY_COOKIE_DOMAIN", ".example.com"},
         {"OAUTH2_PROXY_API_ROUTE", "^/api/"}});
    EXPECT_EQ(o.email_domains, std::vector<std::string>{"example.com"});
    EXPECT_EQ(o.whitelist_domains, std::vector<std::string>{".example.com"});
    ASSERT_EQ(o.upstreams.size(), 1u);
    EXPECT_EQ(o.upstreams[0].status, 202);
    EXPECT_EQ(o.skip_auth_routes, std::vector<std::string>{"GET=^/health$"});
    EXPECT_EQ(o.allowed_groups, std::vector<std::string>{"ops"});
    EXPECT_EQ(o.cookie_domains, std::vector<std::string>{".example.com"});
    EXPECT_EQ(o.api_routes, std::vector<std::string>{"(?:^/api/)"});

    // The cfg file too (bitly's oauth2_proxy.cfg wrote google_group = [...]).
    auto out = parse_options(base_args({"--config=c.cfg", "--email-domain=x.test"}), {},
                             files({{"c.cfg", "whitelist_domain = [\".example.com\"]\nextra_jwt_issuer = [\"https://i=a\"]\n"}}));
    ASSERT_TRUE(out.options) << out.errors.front();
    EXPECT_EQ(out.options->whitelist_domains, std::vector<std::string>{".example.com"});
    // Scalars have one spelling.
    EXPECT_EQ(errors_of(base_args(), {{"OAUTH2_PROXY_COOKIE_NAMES", "x"}}).size(), 1u);
}

TEST(ParseOptions, TwoSpellingsOfOneListThatDisagreeAreRefused) {
    EXPECT_EQ(errors_of(base_args(), {{"OAUTH2_PROXY_ALLOWED_GROUP", "admins"}, {"OAUTH2_PROXY_ALLOWED_GROUPS", "ops"}}),
              std::vector<std::string>{"OAUTH2_PROXY_ALLOWED_GROUPS: conflicts with OAUTH2_PROXY_ALLOWED_GROUP (both set "
                                       "--allowed-group to different values; keep one)"});
    EXPECT_EQ(errors_of(base_args({"--config=c.cfg"}), {},
                        {{"c.cfg", "allowed_groups = [\"ops\"]\nallowed_group = [\"admins\"]\n"}})
                  .size(),
              1u);
    const auto o = must_parse(base_args(), {{"OAUTH2_PROXY_ALLOWED_GROUP", "a,b"}, {"OAUTH2_PROXY_ALLOWED_GROUPS", "a,b"}});
    EXPECT_EQ(o.allowed_groups, (std::vector<std::string>{"a", "b"}));
    // Across sources the usual precedence holds: the variable wins over the file whatever its spelling.
    auto out = parse_options(base_args({"--config=c.cfg"}), {{"OAUTH2_PROXY_ALLOWED_GROUP", "env"}},
                             files({{"c.cfg", "allowed_groups = [\"file\"]\n"}}));
    ASSERT_TRUE(out.options);
    EXPECT_EQ(out.options->allowed_groups, std::vector<std::string>{"env"});
}

TEST(ParseOptions, TheLastAuthorizationFlagsOfOauth2Proxy) {
    auto o = must_parse(base_args({"--provider=keycloak-oidc", "--allowed-group=/ops", "--allowed-role=admin",
                                   "--allowed-role=billing:viewer", "--skip-auth-regex=^/public/",
                                   "--skip-auth-route=GET=^/health", "--api-route=^/api/"}));
    EXPECT_EQ(o.allowed_groups, (std::vector<std::string>{"/ops", "role:admin", "role:billing:viewer"}))
        << "a role is a group role:<name>, as in oauth2-proxy's keycloak-oidc";
    EXPECT_EQ(o.skip_auth_routes, (std::vector<std::string>{"GET=^/health", "(?:^/public/)"}));
    EXPECT_EQ(o.api_routes, std::vector<std::string>{"(?:^/api/)"});
    EXPECT_EQ(errors_of(base_args({"--allowed-role=admin"})),
              std::vector<std::string>{"--allowed-role: only applies to --provider=keycloak-oidc (roles are Keycloak's)"});
}

TEST(ParseOptions, BearerTokenSettings) {
    const auto o = must_parse(base_args({"--skip-jwt-bearer-tokens", "--extra-jwt-issuers=https://ci.example.com=ci-api",
                                               "--extra-jwt-issuers=https://k8s.example.com/issuer=https://api.example.com"}));
    EXPECT_TRUE(o.skip_jwt_bearer_tokens);
    EXPECT_TRUE(o.bearer_token_login_fallback);
    ASSERT_EQ(o.extra_jwt_issuers.size(), 2u);
    EXPECT_EQ(o.extra_jwt_issuers[0].issuer, "https://ci.example.com");
    EXPECT_EQ(o.extra_jwt_issuers[0].audience, "ci-api");
    EXPECT_EQ(o.extra_jwt_issuers[1].issuer, "https://k8s.example.com/issuer");
    EXPECT_EQ(o.extra_jwt_issuers[1].audience, "https://api.example.com");
    EXPECT_EQ(errors_of(base_args({"--extra-jwt-issuers=https://ci.example.com"})),
              (std::vector<std::string>{"--extra-jwt-issuers: 'https://ci.example.com' is not issuer=audience (an "
                                        "http(s) issuer URL and an audience)"}));
    EXPECT_EQ(errors_of(base_args({"--extra-jwt-issuers=ci=aud"})).size(), 1u);
    EXPECT_FALSE(must_parse(base_args({"--bearer-token-login-fallback=false"})).bearer_token_login_fallback);
}

TEST(ParseOptions, RedisStoreNeedsOneValidTopology) {
    EXPECT_EQ(errors_of(base_args({"--session-store-type=redis"})),
              (std::vector<std::string>{"--redis-connection-url: missing (required by --session-store-type=redis)"}));
    EXPECT_EQ(errors_of(base_args({"--session-store-type=redis", "--redis-connection-url=http://user:pw@r:6379"})),
              (std::vector<std::string>{
                  "--redis-connection-url: 'http://***@r:6379' must start with redis:// or rediss://"}));
    EXPECT_EQ(errors_of(base_args({"--session-store-type=redis", "--redis-use-sentinel=true"})),
              (std::vector<std::string>{
                  "--redis-sentinel-master-name: missing (required by --redis-use-sentinel)",
                  "--redis-sentinel-connection-urls: missing (required by --redis-use-sentinel)"}));
    EXPECT_EQ(errors_of(base_args({"--session-store-type=redis", "--redis-use-cluster=true",
                                   "--redis-cluster-connection-urls=redis://a:70000"})),
              (std::vector<std::string>{"--redis-cluster-connection-urls: 'redis://a:70000' has a bad port"}));
    EXPECT_EQ(errors_of(base_args({"--session-store-type=redis", "--redis-connection-url=redis://r",
                                   "--redis-timeout=0s"})),
              (std::vector<std::string>{"--redis-timeout: must be positive"}));
}

TEST(ParseOptions, RedisSettingsFromFlagsEnvAndFile) {
    const auto o = must_parse(base_args({"--session-store-type=redis", "--redis-connection-url=rediss://r:6380/2",
                                         "--redis-password=pw", "--session-cache-ttl=5s", "--redis-timeout=250ms"}));
    EXPECT_EQ(o.session_store_type, "redis");
    EXPECT_EQ(o.redis.connection_url, "rediss://r:6380/2");
    EXPECT_EQ(o.redis.password.reveal(), "pw");
    EXPECT_EQ(o.session_cache_ttl, std::chrono::seconds(5));
    EXPECT_EQ(o.redis.timeout, std::chrono::milliseconds(250));
    const auto sentinel = must_parse(base_args({"--session-store-type=redis", "--redis-use-sentinel=true",
                                                "--redis-sentinel-master-name=mymaster",
                                                "--redis-sentinel-connection-urls=redis://s1:26379",
                                                "--redis-sentinel-connection-urls=redis://s2:26379"}));
    EXPECT_EQ(sentinel.redis.sentinel_urls.size(), 2u);
}

TEST(ParseOptions, SkipAuthRoutesAcceptBothNamesAndRefuseBadRegexes) {
    auto o = must_parse(base_args({"--skip-auth-route=GET=^/health$", "--skip-auth-routes=^/public/"}));
    EXPECT_EQ(o.skip_auth_routes, (std::vector<std::string>{"GET=^/health$", "^/public/"}));
    const auto errors = errors_of(base_args({"--skip-auth-route=GET=^/(unclosed"}));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].rfind("--skip-auth-route: 'GET=^/(unclosed' is not a valid regular expression", 0), 0u);
}

TEST(ParseOptions, MissingRequiredSettingsAreNamed) {
    const auto errors = errors_of({});
    EXPECT_NE(std::find(errors.begin(), errors.end(), "--cookie-secret: missing (or use --cookie-secret-file)"), errors.end());
    EXPECT_NE(std::find(errors.begin(), errors.end(), "--client-id: missing"), errors.end());
}

TEST(ParseOptions, UpstreamsAreRoutesByPath) {
    const auto o = must_parse(base_args({"--upstream=http://app:8080", "--upstream=http://[::1]:9000/api/",
                                         "--upstream=static://204/health", "--upstream-timeout=5s"}));
    ASSERT_EQ(o.upstreams.size(), 3u);
    EXPECT_TRUE(o.proxies());
    EXPECT_EQ(o.upstreams[0].host, "app");
    EXPECT_EQ(o.upstreams[0].port, 8080);
    EXPECT_EQ(o.upstreams[0].path, "/");
    EXPECT_EQ(o.upstreams[1].host, "::1");
    EXPECT_EQ(o.upstreams[1].path, "/api/");
    EXPECT_EQ(o.upstreams[2].status, 204);
    EXPECT_EQ(o.upstreams[2].path, "/health");
    EXPECT_EQ(o.upstream_timeout, std::chrono::seconds(5));
    EXPECT_TRUE(o.pass_user_headers);
    EXPECT_TRUE(o.pass_host_header);
    EXPECT_EQ(errors_of(base_args({"--upstream=http://a:1/", "--upstream=http://b:2/"})),
              std::vector<std::string>{"--upstream: 'http://b:2/': another upstream already serves /"});
    EXPECT_EQ(errors_of(base_args({"--upstream=http://a:99999"})),
              std::vector<std::string>{"--upstream: 'http://a:99999' has a bad port"});
    const auto tls = must_parse(base_args({"--upstream=https://secure.internal/app/"}));
    EXPECT_TRUE(tls.upstreams[0].tls);
    EXPECT_EQ(tls.upstreams[0].port, 443);
    EXPECT_EQ(tls.upstreams[0].path, "/app/");
    EXPECT_EQ(errors_of(base_args({"--upstream=ftp://a"})),
              std::vector<std::string>{"--upstream: 'ftp://a' must be http(s)://host:port/path or static://CODE"});
    EXPECT_EQ(errors_of(base_args({"--upstream=http://a/?x=1"})),
              std::vector<std::string>{"--upstream: 'http://a/?x=1': an upstream URL has no query or fragment"});
}

TEST(ParseOptions, FileUpstreamsServeADirectoryUnderAPath) {
    const auto o = must_parse(base_args({"--upstream=file:///tmp#/static/", "--upstream=file:///usr/share/"}));
    ASSERT_EQ(o.upstreams.size(), 2u);
    EXPECT_EQ(o.upstreams[0].kind, gh::options::Options::Upstream::Kind::file);
    EXPECT_EQ(o.upstreams[0].directory, "/tmp");
    EXPECT_EQ(o.upstreams[0].path, "/static/");
    EXPECT_EQ(o.upstreams[1].path, "/usr/share/") << "without a fragment, the directory's own path (as oauth2-proxy)";
    EXPECT_TRUE(o.proxies()) << "served through the streamed path";
    EXPECT_EQ(errors_of(base_args({"--upstream=file:///no/such/dir#/x/"})),
              std::vector<std::string>{"--upstream: 'file:///no/such/dir#/x/': /no/such/dir is not a directory"});
    EXPECT_EQ(errors_of(base_args({"--upstream=file://relative#/x/"})),
              std::vector<std::string>{"--upstream: 'file://relative#/x/' needs an absolute directory (file:///srv/www#/path)"});
}

TEST(ParseOptions, BasicAuthForUpstreamsIsOnAsInOauth2Proxy) {
    auto o = must_parse(base_args({}));
    EXPECT_TRUE(o.pass_basic_auth);
    EXPECT_FALSE(o.set_basic_auth);
    EXPECT_FALSE(o.set_authorization_header);
    o = must_parse(base_args({"--pass-basic-auth=false", "--set-authorization-header", "--basic-auth-password=pw",
                              "--prefer-email-to-user"}));
    EXPECT_FALSE(o.pass_basic_auth);
    EXPECT_TRUE(o.set_authorization_header);
    EXPECT_EQ(o.basic_auth_password.reveal(), "pw");
    EXPECT_TRUE(o.prefer_email_to_user);
}

TEST(ParseOptions, GithubIsPlainOAuthWithItsOwnDefaults) {
    const std::vector<std::string> github{"--provider=github", "--client-id=app", "--client-secret=s3cret",
                                          "--cookie-secret=" + gh::test::kCookieSecret, "--email-domain=*"};
    auto o = must_parse(github);
    EXPECT_EQ(o.login_url, "https://github.com/login/oauth/authorize");
    EXPECT_EQ(o.redeem_url, "https://github.com/login/oauth/access_token");
    EXPECT_EQ(o.validate_url, "https://api.github.com/");
    EXPECT_EQ(o.scope, "user:email") << "no openid: GitHub is not OpenID Connect";
    EXPECT_EQ(o.provider_display_name, "GitHub");
    auto with_org = github;
    with_org.insert(with_org.end(), {"--github-org=acme", "--github-team=platform,sre", "--github-user=hubot",
                                     "--validate-url=https://ghe.example.com/api/v3/"});
    o = must_parse(with_org);
    EXPECT_EQ(o.scope, "user:email read:org");
    EXPECT_EQ(o.github_teams, (std::vector<std::string>{"platform", "sre"}));
    EXPECT_EQ(o.validate_url, "https://ghe.example.com/api/v3/");
    EXPECT_EQ(errors_of(base_args({"--gitlab-group=acme"})),
              std::vector<std::string>{"--gitlab-group: only applies to --provider=gitlab"});
    o = must_parse({"--provider=gitlab", "--client-id=app", "--client-secret=s3cret",
                    "--cookie-secret=" + gh::test::kCookieSecret, "--email-domain=*", "--gitlab-group=acme/platform"});
    EXPECT_EQ(o.oidc_issuer_url, "https://gitlab.com");
    EXPECT_EQ(o.gitlab_groups, std::vector<std::string>{"acme/platform"});
}

TEST(ParseOptions, GithubRepoAndGitlabProjectAreCheckedAtStart) {
    // --github-repo goes into the API's URL path: owner/name only. --github-token needs it.
    std::vector<std::string> github{"--provider=github", "--client-id=app", "--client-secret=s3cret",
                                    "--cookie-secret=" + gh::test::kCookieSecret, "--email-domain=*"};
    auto repo = github;
    repo.insert(repo.end(), {"--github-repo=acme/app.web", "--github-token=ghp_x"});
    EXPECT_EQ(must_parse(repo).github_repo, "acme/app.web");
    for (const char* bad : {"acme", "acme/app/x", "/app", "acme/..", "acme/a?b"}) {
        auto wrong = github;
        wrong.push_back(std::string("--github-repo=") + bad);
        EXPECT_EQ(errors_of(wrong), std::vector<std::string>{"--github-repo: '" + std::string(bad) + "' is not owner/repository"});
    }
    github.push_back("--github-token=ghp_x");
    EXPECT_EQ(errors_of(github), std::vector<std::string>{"--github-token: needs --github-repo"});
    // --gitlab-project: group/project=level, 20 (reporter) unless given, one of GitLab's levels.
    const std::vector<std::string> gitlab{"--provider=gitlab", "--client-id=app", "--client-secret=s3cret",
                                          "--cookie-secret=" + gh::test::kCookieSecret, "--email-domain=*",
                                          "--gitlab-project=acme/app=40,acme/docs"};
    const auto o = must_parse(gitlab);
    ASSERT_EQ(o.gitlab_project_levels.size(), 2u);
    EXPECT_EQ(o.gitlab_project_levels[0].path, "acme/app");
    EXPECT_EQ(o.gitlab_project_levels[0].access_level, 40);
    EXPECT_EQ(o.gitlab_project_levels[1].access_level, 20);
    auto bad_level = gitlab;
    bad_level.back() = "--gitlab-project=acme/app=35";
    EXPECT_EQ(errors_of(bad_level),
              std::vector<std::string>{"--gitlab-project: 'acme/app=35': the access level must be 10, 20, 30, 40 or 50 (GitLab's)"});
}

TEST(ParseOptions, EntraIdIssuerComesFromTheTenant) {
    const std::vector<std::string> entra{"--provider=entra-id", "--client-id=app", "--client-secret=s3cret",
                                         "--cookie-secret=" + gh::test::kCookieSecret, "--email-domain=*"};
    auto o = must_parse(entra);
    EXPECT_EQ(o.oidc_issuer_url, "https://login.microsoftonline.com/common/v2.0");
    EXPECT_TRUE(o.entra_multi_tenant());
    EXPECT_EQ(o.azure_graph_url, "https://graph.microsoft.com");
    auto tenant = entra;
    tenant.push_back("--azure-tenant=contoso.onmicrosoft.com");
    o = must_parse(tenant);
    EXPECT_EQ(o.oidc_issuer_url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0");
    EXPECT_FALSE(o.entra_multi_tenant());
    EXPECT_EQ(o.provider_display_name, "Microsoft Entra ID") << "oauth2-proxy's name for entra-id";
    tenant.back() = "--azure-tenant=evil.example/x";
    EXPECT_EQ(errors_of(tenant),
              std::vector<std::string>{"--azure-tenant: 'evil.example/x' is not a tenant ID or domain"});
    EXPECT_EQ(errors_of(base_args({"--azure-tenant=contoso"})),
              std::vector<std::string>{"--azure-tenant: only applies to --provider=azure or entra-id"});
    auto azure = entra;
    azure.front() = "--provider=azure";
    EXPECT_TRUE(must_parse(azure).entra_id()) << "oauth2-proxy's older name, the same provider";
}

TEST(ParseOptions, GoogleIsOidcWithAFixedIssuerAndAnOptionalServiceAccount) {
    const std::vector<std::string> google{"--provider=google", "--client-id=app", "--client-secret=s3cret",
                                          "--cookie-secret=" + gh::test::kCookieSecret, "--email-domain=acme.test"};
    auto o = must_parse(google);
    EXPECT_EQ(o.oidc_issuer_url, "https://accounts.google.com");
    EXPECT_FALSE(o.google_service_account);
    auto groups = google;
    groups.push_back("--google-group=platform@acme.test");
    EXPECT_EQ(errors_of(groups),
              (std::vector<std::string>{"--google-admin-email: missing (the Directory API is read as a Workspace administrator)",
                                        "--google-service-account-json: missing (groups are read with a service account's key)"}));
    groups.insert(groups.end(), {"--google-admin-email=admin@acme.test", "--google-service-account-json=/keys/sa.json"});
    EXPECT_EQ(errors_of(groups, {}, {{"/keys/sa.json", R"({"type":"authorized_user","client_id":"x"})"}}),
              std::vector<std::string>{"--google-service-account-json: /keys/sa.json is not a service account's JSON key"});
    EXPECT_EQ(errors_of(base_args({"--google-group=a@b.c"})),
              std::vector<std::string>{"--google-group: only applies to --provider=google"});
    EXPECT_EQ(errors_of(base_args({"--provider=okta"})).front(),
              "--provider: unknown provider 'okta' (expected oidc, keycloak-oidc, google, github, gitlab, azure or entra-id)");
}

TEST(ParseOptions, HelpAndVersionNeedNoOtherSettings) {
    EXPECT_TRUE(parse_options({"--help"}, {}, files({})).help);
    EXPECT_TRUE(parse_options({"--version"}, {}, files({})).version);
    EXPECT_NE(help_text().find("OAUTH2_PROXY_EMAIL_DOMAINS"), std::string::npos);
}

TEST(Secret, NeverPrintsItsValue) {
    std::ostringstream os;
    os << Secret("hunter2");
    EXPECT_EQ(os.str(), "***");
}

TEST(ParseOptions, TrustedProxiesAndClientIpHeader) {
    const auto o = must_parse(base_args({"--reverse-proxy", "--trusted-proxy-ip=10.0.0.0/8,fd00::/8",
                                         "--trusted-proxy-ip=192.0.2.1", "--real-client-ip-header=x-forwarded-for"}));
    EXPECT_EQ(o.trusted_ips.size(), 3u);
    EXPECT_TRUE(o.warnings.empty());
    // oauth2-proxy's --trusted-ip (addresses that skip sign-in) is read as a proxy list, with a warning.
    const auto legacy = must_parse(base_args({"--reverse-proxy", "--trusted-ip=10.0.0.0/8"}));
    EXPECT_EQ(legacy.trusted_ips.size(), 1u);
    ASSERT_EQ(legacy.warnings.size(), 1u);
    EXPECT_NE(legacy.warnings[0].find("Gatehouse lets no address skip sign-in"), std::string::npos);
    // --reverse-proxy that trusts every peer is allowed, as in oauth2-proxy, but called out.
    const auto open = must_parse(base_args({"--reverse-proxy"}));
    ASSERT_EQ(open.warnings.size(), 1u);
    EXPECT_NE(open.warnings[0].find("without --trusted-proxy-ip"), std::string::npos);
    EXPECT_EQ(o.real_client_ip_header, "X-Forwarded-For");
    EXPECT_EQ(must_parse(base_args()).real_client_ip_header, "X-Real-IP");
    EXPECT_EQ(errors_of(base_args({"--reverse-proxy", "--trusted-ip=10.0.0.0/33"})),
              (std::vector<std::string>{"--trusted-ip: '10.0.0.0/33' is not an IP address or CIDR range (10.0.0.0/8, fd00::/8)"}));
    const auto without = errors_of(base_args({"--trusted-proxy-ip=10.0.0.0/8"}));
    ASSERT_EQ(without.size(), 1u);
    EXPECT_EQ(without[0].rfind("--trusted-proxy-ip: needs --reverse-proxy", 0), 0u) << without[0];
    EXPECT_EQ(errors_of(base_args({"--real-client-ip-header=X-Client"})),
              (std::vector<std::string>{"--real-client-ip-header: 'X-Client' must be X-Real-IP, X-Forwarded-For or X-ProxyUser-IP"}));
}

TEST(ParseOptions, RequestLimits) {
    const auto o = must_parse(base_args());
    EXPECT_EQ(o.max_header_bytes, 32768u);  // four 4 KB cookie chunks and the usual headers fit
    EXPECT_EQ(o.max_url_length, 8192u);
    EXPECT_EQ(o.max_connections, 16384u);
    // Each has its own limit (the request line 414, the header fields 431): neither bounds the other.
    const auto apart = must_parse(base_args({"--max-header-bytes=4096", "--max-url-length=65536"}));
    EXPECT_EQ(apart.max_url_length, 65536u);
    EXPECT_EQ(errors_of(base_args({"--max-connections=0"})),
              (std::vector<std::string>{"--max-connections: '0' must be a whole number from 1 to 4194304"}));
}

TEST(ParseOptions, GrpcListenerSettings) {
    EXPECT_EQ(must_parse(base_args({"--grpc-address=0.0.0.0:4181"})).grpc_address, "0.0.0.0:4181");
    EXPECT_EQ(errors_of(base_args({"--grpc-address=nope"})),
              (std::vector<std::string>{"--grpc-address: 'nope' is not host:port"}));
    EXPECT_EQ(errors_of(base_args({"--grpc-address=127.0.0.1:4181", "--grpc-tls=true"})),
              (std::vector<std::string>{"--grpc-tls: needs --tls-cert-file and --tls-key-file"}));
}
