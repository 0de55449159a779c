#include "app/policy_cli.hpp"

#include <iostream>
#include <map>
#include <optional>

#include "authz/path_normalize.hpp"
#include "authz/policy.hpp"
#include "options/parse_options.hpp"
#include "options/value_parsers.hpp"

namespace gh::app {
namespace {

int usage() {
    std::cerr << "usage: gatehouse policy check FILE\n"
                 "       gatehouse policy explain FILE --host H --path P [--method M] [--email E] [--groups a,b]\n";
    return 2;
}

std::string describe(const authz::PolicyRule& r) {
    std::string out = "rule at line " + std::to_string(r.line) + " (host " + r.host + ", path " + r.path;
    if (!r.methods.empty()) {
        out += ", methods";
        for (const auto& m : r.methods) out += " " + m;
    }
    return out + ")";
}

// The policy in `file`, or nothing after printing each problem in the compiler's "FILE:LINE: why" form, which
// editors jump to.
std::optional<authz::Policy> load(const std::string& file) {
    const auto text = options::read_text_file(file);
    if (!text) {
        std::cerr << file << ": cannot read\n";
        return std::nullopt;
    }
    auto policy = authz::Policy::read(*text);
    if (!policy) {
        for (const auto& e : policy.error())
            std::cerr << file << ":" << (e.line > 0 ? std::to_string(e.line) + ":" : std::string{}) << " " << e.message
                      << "\n";
        return std::nullopt;
    }
    return std::move(*policy);
}

// explain's flags, --name value or --name=value, over the defaults GET and /; nothing when they do not parse.
std::optional<std::map<std::string, std::string>> explain_flags(const std::vector<std::string>& args) {
    std::map<std::string, std::string> flags{{"method", "GET"}, {"path", "/"}};
    for (std::size_t i = 2; i < args.size(); ++i) {
        const auto& a = args[i];
        const auto eq = a.find('=');
        if (!a.starts_with("--")) return std::nullopt;
        if (eq != std::string::npos) flags[a.substr(2, eq - 2)] = a.substr(eq + 1);
        else if (i + 1 < args.size()) flags[a.substr(2)] = args[++i];
        else return std::nullopt;
    }
    if (!flags.count("host")) return std::nullopt;
    return flags;
}

// Which rule decides the request the flags describe, and for whom: exit 0 when it is let in, 1 when refused.
int explain(const authz::Policy& policy, std::map<std::string, std::string> flags) {
    const auto path = authz::normalize_path(flags["path"]);
    if (!path) {
        std::cout << "deny: the path '" << flags["path"] << "' is ambiguous (encoded slash, backslash or control "
                  << "character) and never matches a rule\n";
        return 1;
    }
    const auto m = policy.match(flags["host"], *path, flags["method"]);
    switch (m.verdict) {
        case authz::PolicyVerdict::not_covered:
            std::cout << "not covered: no rule names host " << flags["host"]
                      << "; the global rules decide (unnamed_hosts: global_rules)\n";
            return 0;
        case authz::PolicyVerdict::public_access:
            std::cout << "allow without sign-in: " << describe(*m.rule) << " is public\n";
            return 0;
        case authz::PolicyVerdict::denied:
            std::cout << "deny: no rule matches " << flags["method"] << " " << *path << " on host " << flags["host"]
                      << "\n";
            return 1;
        case authz::PolicyVerdict::needs_user: break;
    }
    session::Session s;
    s.email = flags["email"];
    options::append_list_items(flags["groups"], s.groups);
    if (s.email.empty() && s.groups.empty()) {
        std::cout << "sign-in required: " << describe(*m.rule) << " decides; give --email/--groups to test a user\n";
        return 0;
    }
    const bool ok = authz::Policy::allows(*m.rule, s);
    std::cout << (ok ? "allow: " : "deny: ") << describe(*m.rule) << (ok ? " admits " : " does not admit ")
              << (s.email.empty() ? "the user" : s.email) << "\n";
    return ok ? 0 : 1;
}

}  // namespace

int run_policy_command(const std::vector<std::string>& args) {
    if (args.size() < 2 || (args[0] != "check" && args[0] != "explain")) return usage();
    const std::string& file = args[1];
    const auto policy = load(file);
    if (!policy) return 2;
    if (args[0] == "check") {
        std::cout << file << ": OK, " << policy->rule_count() << " rules for " << policy->host_count() << " hosts";
        if (const auto& certificates = policy->certificates(); !certificates.empty())
            std::cout << ", " << certificates.size() << " client certificate identities";
        std::cout << "\n";
        return 0;
    }
    const auto flags = explain_flags(args);
    if (!flags) return usage();
    return explain(*policy, *flags);
}

}  // namespace gh::app
