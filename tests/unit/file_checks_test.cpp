// Start-up reads the policy, htpasswd and emails files with the flags, and reports every problem of all of them
// together: one line each, naming the flag (or variable), the file and the line.
#include "options/file_checks.hpp"

#include <gtest/gtest.h>

#include "authz/htpasswd_file.hpp"
#include "credentials/htpasswd.hpp"
#include "test_options.hpp"

using namespace gh;

namespace {

const std::string kBcrypt = "$2y$05$p8ZGD6i03YMWdpL87slP6OJOjP9jSGNX1AC0adUf12JYdbg2tDvbO";

std::vector<std::string> lines_of(const Errors& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(describe(e));
    return out;
}

// Three rule problems, a bad unnamed_hosts and a client_certificates problem, in file order.
const std::string kBadPolicy =
    "unnamed_hosts: allow\n"
    "rules:\n"
    "  - host: a.example.com\n"
    "    colour: red\n"
    "    public: true\n"
    "  - host: a.*.com\n"
    "    path: admin\n"
    "    public: true\n"
    "client_certificates:\n"
    "  hosts: [a.example.com]\n"
    "  identities:\n"
    "    - common_name: ci\n";

const std::string kBadHtpasswd =
    "# team\nalice:" + kBcrypt + "\nbob:{SHA}bOWgjgJew8XNjPXTyFghAc+ha1M=\nno-colon\nalice:" + kBcrypt + "\n";

}  // namespace

TEST(FileChecks, EveryProblemOfAPolicyFileIsReportedWithItsLine) {
    const auto policy = options::read_policy_file("p.yaml", test::files({{"p.yaml", kBadPolicy}}));
    ASSERT_FALSE(policy);
    EXPECT_EQ(lines_of(policy.error()),
              (std::vector<std::string>{
                  "p.yaml: line 1: unnamed_hosts must be refuse (the default) or global_rules",
                  "p.yaml: line 4: unknown key 'colour' (expected host, path, methods, allow or public)",
                  "p.yaml: line 6: a wildcard host must look like *.example.com",
                  "p.yaml: line 7: path must start with /",
                  "p.yaml: line 12: an identity needs a user",
              }));
    EXPECT_EQ(policy.error().front().line, 1);
    // The throwing form still names the first problem only, as it always did.
    EXPECT_THROW(authz::Policy::parse(kBadPolicy), std::invalid_argument);
}

TEST(FileChecks, AGoodPolicyFileIsThePolicy) {
    const auto policy = options::read_policy_file(
        "p.yaml", test::files({{"p.yaml", "rules:\n  - host: a.example.com\n    public: true\n"}}));
    ASSERT_TRUE(policy);
    EXPECT_EQ(policy->rule_count(), 1u);
    const auto unreadable = options::read_policy_file("missing.yaml", test::files({}));
    ASSERT_FALSE(unreadable);
    EXPECT_EQ(lines_of(unreadable.error()), std::vector<std::string>{"cannot read missing.yaml"});
    EXPECT_EQ(unreadable.error().front().code, ErrorCode::unreadable_file);
}

TEST(FileChecks, EveryRefusedLineOfAnHtpasswdFileIsReported) {
    const auto fs = test::files({{"users", kBadHtpasswd}});
    EXPECT_EQ(lines_of(options::check_htpasswd_file("users", fs)),
              (std::vector<std::string>{
                  "users: line 3: user 'bob' has a {SHA} (SHA-1) password; only bcrypt is accepted (make it with: "
                  "htpasswd -B FILE bob)",
                  "users: line 4: not user:hash",
                  "users: line 5: user 'alice' appears twice",
              }));
    const auto read = authz::read_htpasswd(kBadHtpasswd);
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error()[0].code, ErrorCode::unsupported);
    EXPECT_EQ(read.error()[1].code, ErrorCode::malformed);
    EXPECT_TRUE(options::check_htpasswd_file("", fs).empty()) << "no --htpasswd-file, nothing to check";
    EXPECT_EQ(lines_of(options::check_htpasswd_file("gone", fs)), std::vector<std::string>{"cannot read gone"});
    ASSERT_TRUE(credentials::Htpasswd::read("alice:" + kBcrypt + "\n"));
}

TEST(FileChecks, AnEmailsFileCanOnlyBeUnreadable) {
    const auto fs = test::files({{"emails", "a@example.com\nnot an address, as oauth2-proxy allows\n"}});
    EXPECT_TRUE(options::check_emails_file("emails", fs).empty());
    EXPECT_TRUE(options::check_emails_file("", fs).empty());
    const auto missing = options::check_emails_file("/nonexistent/emails", fs);
    EXPECT_EQ(lines_of(missing), std::vector<std::string>{"cannot read /nonexistent/emails"});
}

TEST(FileChecks, StartUpReportsTheFlagsAndEveryFileTogether) {
    const auto fs = test::files({{"p.yaml", kBadPolicy}, {"users", kBadHtpasswd}});
    const auto out = options::parse_options(
        test::base_args({"--cookie-secret=tooshort", "--policy-file=p.yaml", "--htpasswd-file=users",
                         "--authenticated-emails-file=/nonexistent/emails", "--skip-auth-route=GET=(",
                         "--skip-auth-route=^/a["}),
        {}, fs);
    EXPECT_FALSE(out.options);
    const auto count = [&](std::string_view prefix) {
        return std::count_if(out.errors.begin(), out.errors.end(),
                             [&](const std::string& e) { return e.starts_with(prefix); });
    };
    EXPECT_EQ(count("--cookie-secret: "), 1);
    EXPECT_EQ(count("--policy-file: p.yaml: line "), 5);
    EXPECT_EQ(count("--htpasswd-file: users: line "), 3);
    EXPECT_EQ(count("--authenticated-emails-file: cannot read /nonexistent/emails"), 1);
    EXPECT_EQ(count("--skip-auth-route: "), 2) << "each bad route, not only the first";
    EXPECT_EQ(out.errors.size(), 12u);
}
