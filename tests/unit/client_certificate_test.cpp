// Client certificates as the proxy in front describes them: the RFC 4514 names, Envoy's x-forwarded-client-cert,
// which headers are believed from whom, the policy file's mapping, and how the gate decides with them.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include "authz/certificate_identities.hpp"
#include "authz/distinguished_name.hpp"
#include "doors/client_certificate_headers.hpp"
#include "options/parse_options.hpp"
#include "test_stack.hpp"

using namespace gh;
using authz::ClientCertificate;
using authz::DistinguishedName;
using State = ClientCertificate::State;

namespace {

DistinguishedName dn(std::string_view text) {
    auto parsed = DistinguishedName::parse(text);
    EXPECT_TRUE(parsed) << text;
    return parsed.value_or(DistinguishedName{});
}

ClientCertificate verified(std::string subject, std::string issuer = {}) {
    ClientCertificate c;
    c.state = State::verified;
    c.subject = std::move(subject);
    c.issuer = std::move(issuer);
    return c;
}

authz::CertificateIdentities identities(const std::string& yaml) {
    return authz::CertificateIdentities::parse(YAML::Load(yaml));
}

std::string parse_error(const std::string& yaml) {
    try {
        identities(yaml);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no error";
}

const options::Options::ClientCertificateHeaders kBoth{.ingress_nginx = true, .envoy = true};

}  // namespace

TEST(DistinguishedName, ReadsTheFormNginxAndEnvoyWrite) {
    const auto name = dn("CN=ci-runner,OU=build,O=Example Corp,C=DE");
    ASSERT_EQ(name.attributes().size(), 4u);
    EXPECT_EQ(name.attributes()[2].type, "o");
    EXPECT_EQ(name.attributes()[2].value, "Example Corp");
    EXPECT_EQ(name.common_name(), "ci-runner");
    // Escaped separators are part of the value; hex escapes too; spaces around separators are not.
    const auto escaped = dn("CN=Smith\\, John+UID=42 , O=A\\2CB, OU= x ");
    ASSERT_EQ(escaped.attributes().size(), 4u);
    EXPECT_EQ(escaped.common_name(), "Smith, John");
    EXPECT_EQ(escaped.attributes()[1].value, "42");
    EXPECT_EQ(escaped.attributes()[2].value, "A,B");
    EXPECT_EQ(escaped.attributes()[3].value, "x");
}

TEST(DistinguishedName, TypesCompareWithoutCaseValuesExactlyAndOrderCounts) {
    EXPECT_EQ(dn("cn=a,o=B"), dn("CN=a, O=B"));
    EXPECT_NE(dn("CN=admin,O=B"), dn("CN=Admin,O=B"));
    EXPECT_NE(dn("CN=a,O=B"), dn("O=B,CN=a"));
    EXPECT_NE(dn("CN=a,O=B"), dn("CN=a,O=B,C=DE")) << "a longer name is another name";
}

TEST(DistinguishedName, RefusesWhatIsNotAName) {
    for (const char* bad : {"", "CN", "CN=a,", "=a", "CN=a\\", "/C=DE/CN=a", "C N=x;y"})
        EXPECT_FALSE(DistinguishedName::parse(bad)) << bad;
}

TEST(ForwardedClientCert, ReadsTheLastElementWithQuotedSubjectAndEverySan) {
    ClientCertificate c;
    ASSERT_TRUE(doors::parse_forwarded_client_cert(
        "By=spiffe://edge;Hash=abc;Subject=\"CN=evil\",By=spiffe://cluster.local/ns/a/sa/app;Hash=468ed33;"
        "Subject=\"CN=ci \\\"runner\\\",OU=build,O=Example\";URI=spiffe://cluster.local/ns/ci/sa/runner;"
        "DNS=runner.ci.svc;DNS=runner.example.com",
        c));
    EXPECT_EQ(c.subject, "CN=ci \"runner\",OU=build,O=Example");
    EXPECT_EQ(c.uris, std::vector<std::string>{"spiffe://cluster.local/ns/ci/sa/runner"});
    EXPECT_EQ(c.dns_names, (std::vector<std::string>{"runner.ci.svc", "runner.example.com"}));
}

TEST(ForwardedClientCert, RefusesMalformedValues) {
    for (const char* bad : {"Subject=\"CN=a", "Hash=abc", "justtext", "By=x;Subject"}) {
        ClientCertificate c;
        EXPECT_FALSE(doors::parse_forwarded_client_cert(bad, c)) << bad;
    }
}

TEST(CertificateHeaders, OnlyATrustedProxyIsBelievedAndOnlyForAVerifiedCertificate) {
    ClientCertificate c;
    const doors::CertificateHeaders nginx{.verify = "SUCCESS", .subject_dn = "CN=ci,O=Example", .issuer_dn = "CN=CA"};
    doors::read_client_certificate(nginx, true, kBoth, c);
    EXPECT_EQ(c.state, State::verified);
    EXPECT_EQ(c.subject, "CN=ci,O=Example");
    EXPECT_EQ(c.issuer, "CN=CA");

    doors::read_client_certificate(nginx, false, kBoth, c);
    EXPECT_EQ(c.state, State::untrusted_peer);
    EXPECT_TRUE(c.subject.empty()) << "nothing of an untrusted peer's claim is kept";
    EXPECT_NE(c.problem.find("not a --trusted-proxy-ip"), std::string::npos);

    doors::read_client_certificate({.verify = "FAILED:unable to verify the first certificate", .subject_dn = "CN=ci"},
                                   true, kBoth, c);
    EXPECT_EQ(c.state, State::not_verified);
    EXPECT_NE(c.problem.find("FAILED:unable to verify"), std::string::npos);
    doors::read_client_certificate({.subject_dn = "CN=ci"}, true, kBoth, c);
    EXPECT_EQ(c.state, State::not_verified) << "a subject without the verdict is not a verified certificate";
    doors::read_client_certificate({.verify = "NONE"}, true, kBoth, c);
    EXPECT_EQ(c.state, State::none);

    // A source that is off is not read at all.
    doors::read_client_certificate(nginx, true, {.envoy = true}, c);
    EXPECT_EQ(c.state, State::none);
    doors::read_client_certificate({.forwarded_client_cert = "Subject=\"CN=x\""}, true, {.ingress_nginx = true}, c);
    EXPECT_EQ(c.state, State::none);
    doors::read_client_certificate({.forwarded_client_cert = "Subject=\"CN=x\";URI=spiffe://a"}, true, kBoth, c);
    EXPECT_EQ(c.state, State::verified);
    EXPECT_EQ(c.uris.front(), "spiffe://a");
    doors::read_client_certificate({.forwarded_client_cert = "Subject=\"CN=x"}, true, kBoth, c);
    EXPECT_EQ(c.state, State::not_verified);
}

TEST(CertificateIdentities, NamesACertificateBySubjectCommonNameUriOrDns) {
    const auto ids = identities(R"(
hosts: [api.example.com, "*.internal.example.com"]
identities:
  - subject: "CN=ci-runner, OU=build, O=Example"
    user: ci-runner
    groups: [ci]
  - common_name: deploy-bot
    issuer: "CN=Build CA,O=Example"
    user: deploy-bot
  - uri: spiffe://cluster.local/ns/ci/sa/runner
    user: spiffe-runner
  - dns: Runner.Example.com
    user: dns-runner
)");
    const auto* id = ids.find(verified("CN=ci-runner,OU=build,O=Example"));
    ASSERT_TRUE(id);
    EXPECT_EQ(id->user, "ci-runner");
    EXPECT_EQ(id->groups, std::vector<std::string>{"ci"});
    EXPECT_FALSE(ids.find(verified("CN=ci-runner,OU=build,O=Example,C=DE"))) << "the whole subject must match";
    EXPECT_EQ(ids.find(verified("CN=ci-runner,OU=build,O=Example", "CN=Any CA"))->user, "ci-runner")
        << "an identity without an issuer does not look at it";

    EXPECT_EQ(ids.find(verified("CN=deploy-bot,O=Anyone", "CN=Build CA,O=Example"))->user, "deploy-bot");
    EXPECT_FALSE(ids.find(verified("CN=deploy-bot,O=Anyone", "CN=Other CA"))) << "the issuer was required";
    EXPECT_FALSE(ids.find(verified("CN=deploy-bot,O=Anyone"))) << "a proxy that does not say the issuer cannot match";

    ClientCertificate spiffe = verified("");
    spiffe.uris = {"spiffe://cluster.local/ns/ci/sa/runner"};
    EXPECT_EQ(ids.find(spiffe)->user, "spiffe-runner");
    ClientCertificate dns = verified("CN=whatever");
    dns.dns_names = {"other.example.com", "runner.example.COM"};
    EXPECT_EQ(ids.find(dns)->user, "dns-runner");

    ClientCertificate unverified = verified("CN=ci-runner,OU=build,O=Example");
    unverified.state = State::not_verified;
    EXPECT_FALSE(ids.find(unverified));

    EXPECT_TRUE(ids.believed_for("api.example.com"));
    EXPECT_TRUE(ids.believed_for("API.example.com:443"));
    EXPECT_TRUE(ids.believed_for("a.internal.example.com"));
    EXPECT_FALSE(ids.believed_for("internal.example.com"));
    EXPECT_FALSE(ids.believed_for("app.example.com"));
    EXPECT_FALSE(ids.believed_for(""));
    EXPECT_TRUE(identities("hosts: ['*']\nidentities: [{common_name: a, user: a}]").believed_for("any.where"));
}

TEST(CertificateIdentities, RefusesAnUnclearMappingWithItsLine) {
    EXPECT_EQ(parse_error("identities: [{common_name: a, user: a}]"),
              "line 1: client_certificates needs hosts: the hosts whose proxy verifies client certificates and sets "
              "the certificate headers (\"*\" for all)");
    EXPECT_EQ(parse_error("hosts: [a.example.com]\nidentities:\n  - common_name: a\n    uri: spiffe://a\n    user: a\n"),
              "line 3: an identity needs exactly one of subject, common_name, uri or dns");
    EXPECT_EQ(parse_error("hosts: [a.example.com]\nidentities:\n  - common_name: a\n"), "line 3: an identity needs a user");
    EXPECT_EQ(parse_error("hosts: [a.example.com]\nidentities:\n  - subject: /C=DE/CN=a\n    user: a\n"),
              "line 3: subject '/C=DE/CN=a' is not a name like \"CN=ci-runner,O=Example\" (RFC 4514)");
    EXPECT_EQ(parse_error("hosts: [a.example.com]\nidentities:\n  - common_name: a\n    user: a\n    role: x\n"),
              "line 5: unknown key 'role' (expected subject, common_name, uri or dns, and issuer, user, email, groups)");
    EXPECT_EQ(parse_error("hosts: ['a.*.com']\nidentities: [{common_name: a, user: a}]"),
              "line 1: host 'a.*.com' must be a name like api.example.com, *.example.com or *");
    EXPECT_EQ(parse_error("hosts: [a.example.com]\nidentities: []"),
              "line 1: client_certificates needs a non-empty identities list");
}

TEST(ParseOptions, ClientCertificateHeadersNeedTrustedProxiesAndAMapping) {
    const std::string policy = "rules: []\nclient_certificates:\n  hosts: [api.example.com]\n  identities:\n"
                               "    - common_name: ci\n      user: ci\n";
    const auto fs = test::files({{"p.yaml", policy}, {"empty.yaml", "rules: []\n"}});
    auto parse = [&](std::vector<std::string> flags) {
        return options::parse_options(test::base_args(std::move(flags)), {}, fs);
    };
    const auto ok = parse({"--client-certificate-headers=ingress-nginx", "--client-certificate-headers=envoy",
                           "--reverse-proxy", "--trusted-proxy-ip=10.0.0.0/8", "--policy-file=p.yaml"});
    ASSERT_TRUE(ok.options) << (ok.errors.empty() ? "" : ok.errors.front());
    EXPECT_TRUE(ok.options->client_certificate_headers.ingress_nginx);
    EXPECT_TRUE(ok.options->client_certificate_headers.envoy);
    EXPECT_EQ(parse({"--client-certificate-headers=traefik"}).errors,
              std::vector<std::string>{"--client-certificate-headers: 'traefik' must be ingress-nginx or envoy"});
    EXPECT_EQ(parse({"--client-certificate-headers=ingress-nginx", "--reverse-proxy", "--policy-file=p.yaml"}).errors,
              std::vector<std::string>{"--client-certificate-headers: needs --reverse-proxy and --trusted-proxy-ip: "
                                       "only the proxies listed there may vouch for a client certificate"});
    EXPECT_EQ(parse({"--client-certificate-headers=envoy", "--reverse-proxy", "--trusted-proxy-ip=10.0.0.1"}).errors,
              std::vector<std::string>{"--client-certificate-headers: needs --policy-file: its client_certificates "
                                       "section says which certificate is which user"});
    EXPECT_EQ(parse({"--client-certificate-headers=envoy", "--reverse-proxy", "--trusted-proxy-ip=10.0.0.1",
                     "--policy-file=empty.yaml"})
                  .errors,
              std::vector<std::string>{"--client-certificate-headers: empty.yaml has no client_certificates section: "
                                       "no certificate would name a user"});
}

// The gate, with a policy file on disk as in production (WatchedFile).
class GateCertificates : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("gatehouse-cert-policy-" + std::to_string(::getpid()) + ".yaml");
        std::ofstream(path_) << R"(
rules:
  - host: api.example.com
    path: /admin
    allow: {groups: [admins]}
  - host: api.example.com
    allow: {groups: [ci, staff]}
client_certificates:
  hosts: [api.example.com]
  identities:
    - subject: "CN=ci-runner,O=Example"
      user: ci-runner
      email: ci-runner@robots.example.net
      groups: [ci]
)";
        policy_ = std::make_unique<authz::WatchedFile<authz::Policy>>("policy-file", path_.string(), authz::Policy::parse);
        stack_ = std::make_unique<test::Stack>(std::vector<std::string>{"--email-domain=example.com"});
        gate_ = std::make_unique<gate::Gate>(gh::options::gate_config(*stack_->options), stack_->store, stack_->clock, nullptr, policy_.get());
    }
    void TearDown() override { std::filesystem::remove(path_); }

    gate::Decision decide(const ClientCertificate& cert, std::string_view path = "/", std::string cookie = {},
                          std::string_view host = "api.example.com") {
        session::CookieJar jar;
        jar.add_header(cookie);
        return *gate_->decide_now(
            {.cookies = &jar, .method = "GET", .path = path, .host = host, .certificate = &cert}, loaded);
    }

    std::filesystem::path path_;
    std::unique_ptr<authz::WatchedFile<authz::Policy>> policy_;
    std::unique_ptr<test::Stack> stack_;
    std::unique_ptr<gate::Gate> gate_;
    session::Session loaded;
};

TEST_F(GateCertificates, AMappedCertificateIsItsUserAndThePolicyRulesApply) {
    auto d = decide(verified("CN=ci-runner,O=Example"));
    EXPECT_EQ(d.verdict, gate::Verdict::allow) << "the mapping is the operator's list: --email-domain does not apply";
    EXPECT_EQ(loaded.user, "ci-runner");
    EXPECT_EQ(loaded.email, "ci-runner@robots.example.net");
    EXPECT_EQ(loaded.groups, std::vector<std::string>{"ci"});
    d = decide(verified("CN=ci-runner,O=Example"), "/admin");
    EXPECT_EQ(d.verdict, gate::Verdict::forbidden);
    EXPECT_EQ(d.reason, gate::Reason::policy_not_allowed);
}

TEST_F(GateCertificates, ACertificateThatDoesNotCountLeavesTheCookieToDecideAndSaysWhy) {
    auto d = decide(verified("CN=stranger,O=Example"));
    EXPECT_EQ(d.reason, gate::Reason::no_session);
    EXPECT_EQ(d.detail, "client certificate 'CN=stranger,O=Example' is not mapped by the policy file");

    ClientCertificate spoofed;
    spoofed.state = State::untrusted_peer;
    spoofed.problem = "client certificate headers from a peer that is not a --trusted-proxy-ip were ignored";
    d = decide(spoofed);
    EXPECT_EQ(d.verdict, gate::Verdict::sign_in_required);
    EXPECT_EQ(d.detail, spoofed.problem);

    d = decide(verified("CN=ci-runner,O=Example"), "/", {}, "other.example.com");
    EXPECT_EQ(d.verdict, gate::Verdict::sign_in_required) << "not a host whose proxy sets the headers";
    EXPECT_NE(d.detail.find("not believed for host 'other.example.com'"), std::string::npos) << d.detail;

    // A signed-in user with an unmapped certificate is simply the signed-in user.
    session::Session alice = test::alice();
    alice.groups = {"staff"};
    d = decide(verified("CN=stranger,O=Example"), "/", stack_->cookie_for(alice));
    EXPECT_EQ(d.verdict, gate::Verdict::allow);
    EXPECT_EQ(loaded.email, alice.email);
    EXPECT_TRUE(d.detail.empty());
}
