#pragma once
// --policy-file: who may reach which app, per host and path prefix (beyond oauth2-proxy).
//
//   rules:
//     - host: app1.example.com        # exact, or "*.example.com" for every subdomain
//       path: /admin                  # prefix on segment boundaries; default "/"
//       methods: [GET, POST]          # optional
//       allow:                        # any one of these lets a signed-in user in
//         groups: [/platform-team]
//         emails: [alice@example.com]
//         email_domains: [example.com]
//     - host: app1.example.com
//       path: /public
//       public: true                  # no sign-in needed
//
//   unnamed_hosts: refuse               # the default; global_rules leaves hosts no rule names to the global rules
//
// The first rule that matches the request's host, path and method decides; a request no rule matches is refused.
// A host no rule names is refused too, unless `unnamed_hosts: global_rules`: the host comes from the proxy, and
// when the proxy and Gatehouse disagree on it (nginx picks the server by an absolute-form URL's host, while
// $http_host says another), a rule-less host must not be a way around the rules.
//
// An optional client_certificates section maps client certificates to users (see certificate_identities.hpp).
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "authz/certificate_identities.hpp"
#include "result/result.hpp"
#include "session/session.hpp"

namespace gh::authz {

struct PolicyRule {
    int line = 0;  // in the file, for explanations
    std::string host;
    std::string path = "/";
    std::vector<std::string> methods;  // empty: any
    bool is_public = false;
    std::vector<std::string> groups, emails, email_domains;
};

enum class PolicyVerdict {
    not_covered,    // no rule names this host and the file says unnamed_hosts: global_rules: the global rules decide
    public_access,  // a public rule matched: no sign-in needed
    needs_user,     // a rule matched: the user must satisfy it (see allows())
    denied,         // the host is covered but no rule matches this path/method
};

struct PolicyMatch {
    PolicyVerdict verdict = PolicyVerdict::not_covered;
    const PolicyRule* rule = nullptr;
};

class Policy {
public:
    // Parses and compiles, or says every problem in the text, each at its line.
    static Result<Policy, Errors> read(std::string_view yaml);
    // The throwing form of read(), for text known to be good (tests): std::invalid_argument "line N: …" naming
    // the first problem.
    static Policy parse(std::string_view yaml);

    // `host` may carry a port; `path` must already be normalised (see normalize_path). `fold_case`: path prefixes
    // compared without regard to ASCII case, as Express, ASP.NET and IIS route.
    PolicyMatch match(std::string_view host, std::string_view path, std::string_view method, bool fold_case = false) const;
    // Whether a rule's path holds an upper-case letter (then a lower-case request may match it only by case).
    bool has_upper_case_paths() const { return has_upper_case_paths_; }
    // Whether a signed-in user satisfies a rule that matched.
    static bool allows(const PolicyRule& rule, const session::Session& s);

    std::size_t rule_count() const { return rules_.size(); }
    std::size_t host_count() const { return exact_.size() + wildcard_.size(); }
    const CertificateIdentities& certificates() const { return certificates_; }

private:
    void index_hosts();  // after reading: which rules apply to which host

    std::vector<PolicyRule> rules_;
    // Per exact host: the indices of every rule that applies to it (its own and matching wildcards), in file order.
    std::unordered_map<std::string, std::vector<std::size_t>> exact_;
    // Per wildcard suffix (".example.com"): its rules' indices, for hosts not named exactly.
    std::vector<std::pair<std::string, std::vector<std::size_t>>> wildcard_;
    CertificateIdentities certificates_;
    bool unnamed_hosts_refused_ = true;  // unnamed_hosts: refuse (the default) or global_rules
    bool has_upper_case_paths_ = false;
};

}  // namespace gh::authz
