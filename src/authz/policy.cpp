#include "authz/policy.hpp"

#include <algorithm>
#include <stdexcept>

#include "authz/yaml_problems.hpp"
#include "text/ascii.hpp"

namespace gh::authz {
namespace {

std::vector<std::string> string_list(const YAML::Node& node, const char* what, Errors& problems) {
    std::vector<std::string> out;
    if (!node.IsSequence()) {
        add_problem(problems, node, std::string(what) + " must be a list");
        return out;
    }
    for (const auto& item : node) {
        const auto text = scalar_text(item);
        if (!text || text->empty()) add_problem(problems, item, std::string(what) + " holds an empty or non-text item");
        else out.push_back(*text);
    }
    return out;
}

bool path_prefix_matches(std::string_view prefix, std::string_view path, bool fold_case) {
    if (prefix == "/") return true;
    if (path.size() < prefix.size()) return false;
    const bool same = fold_case ? std::equal(prefix.begin(), prefix.end(), path.begin(),
                                             [](char a, char b) { return text::ascii_lower(a) == text::ascii_lower(b); })
                                : path.starts_with(prefix);
    if (!same) return false;
    // "/admin" covers "/admin" and "/admin/…", not "/administrator".
    return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

bool wildcard_matches(std::string_view suffix, std::string_view host) {
    return host.size() > suffix.size() && host.ends_with(suffix);
}

void read_host(const YAML::Node& rule, PolicyRule& r, Errors& problems) {
    const auto host = scalar_text(rule["host"]);
    if (!host) return add_problem(problems, rule, "rule without a host");
    r.host = text::lower(*host);
    if (r.host.find_first_of("/: ") != std::string::npos || r.host.empty())
        add_problem(problems, rule["host"],
                    "host '" + r.host + "' must be a name like app.example.com or *.example.com");
    else if (r.host.find('*') != std::string::npos &&
             !(r.host.starts_with("*.") && r.host.find('*', 1) == std::string::npos))
        add_problem(problems, rule["host"], "a wildcard host must look like *.example.com");
}

void read_path_and_methods(const YAML::Node& rule, PolicyRule& r, Errors& problems) {
    if (const auto path = rule["path"]) {
        const auto text = scalar_text(path);
        if (!text || !text->starts_with('/')) add_problem(problems, path, "path must start with /");
        else r.path = *text;
    }
    if (const auto methods = rule["methods"]) {
        r.methods = string_list(methods, "methods", problems);
        for (auto& m : r.methods) std::transform(m.begin(), m.end(), m.begin(), ::toupper);
    }
}

// public: and allow:, which together say who a rule lets in.
void read_access(const YAML::Node& rule, PolicyRule& r, Errors& problems) {
    if (const auto is_public = rule["public"]) {
        if (const auto value = scalar_bool(is_public)) r.is_public = *value;
        else add_problem(problems, is_public, "public must be true or false");
    }
    const auto allow = rule["allow"];
    if (!allow) return;
    if (!allow.IsMap())
        return add_problem(problems, allow, "allow must be a mapping of groups, emails and email_domains");
    for (const auto& kv : allow) {
        const auto key = key_text(kv.first);
        if (key == "groups") r.groups = string_list(kv.second, "groups", problems);
        else if (key == "emails") r.emails = string_list(kv.second, "emails", problems);
        else if (key == "email_domains") r.email_domains = string_list(kv.second, "email_domains", problems);
        else
            add_problem(problems, kv.first,
                        "unknown key '" + key + "' in allow (expected groups, emails or email_domains)");
    }
}

PolicyRule read_rule(const YAML::Node& node, Errors& problems) {
    PolicyRule r;
    r.line = line_of(node);
    if (!node.IsMap()) {
        add_problem(problems, node, "each rule must be a mapping");
        return r;
    }
    for (const auto& kv : node) {
        const auto key = key_text(kv.first);
        if (key != "host" && key != "path" && key != "methods" && key != "allow" && key != "public")
            add_problem(problems, kv.first,
                        "unknown key '" + key + "' (expected host, path, methods, allow or public)");
    }
    read_host(node, r, problems);
    read_path_and_methods(node, r, problems);
    const std::size_t before = problems.size();
    read_access(node, r, problems);
    // After a bad public: or allow:, what is left of them says nothing the line above has not said.
    const bool has_allow = !r.groups.empty() || !r.emails.empty() || !r.email_domains.empty();
    if (problems.size() == before && r.is_public == has_allow)
        add_problem(problems, node, "a rule needs either public: true or a non-empty allow, not both");
    return r;
}

// The keys beside rules: unnamed_hosts, and which ones there are at all.
void read_settings(const YAML::Node& doc, bool& unnamed_hosts_refused, Errors& problems) {
    for (const auto& kv : doc) {
        const auto key = key_text(kv.first);
        if (key != "rules" && key != "client_certificates" && key != "unnamed_hosts")
            add_problem(problems, kv.first,
                        "unknown key '" + key + "' (expected rules, unnamed_hosts and client_certificates)");
    }
    if (const auto unnamed = doc["unnamed_hosts"]) {
        const std::string value = scalar_text(unnamed).value_or("");
        if (value == "global_rules") unnamed_hosts_refused = false;
        else if (value != "refuse")
            add_problem(problems, unnamed, "unnamed_hosts must be refuse (the default) or global_rules");
    }
}

}  // namespace

Result<Policy, Errors> Policy::read(std::string_view text) {
    YAML::Node doc;
    try {
        doc = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {  // yaml-cpp reports a syntax error only by throwing
        return failure(ErrorCode::malformed, e.msg, e.mark.line + 1);
    }
    if (!doc.IsMap() || !doc["rules"] || !doc["rules"].IsSequence())
        return failure(ErrorCode::invalid_value, "the policy must be a mapping with a 'rules' list", 1);
    Policy p;
    Errors problems;
    read_settings(doc, p.unnamed_hosts_refused_, problems);
    for (const auto& node : doc["rules"]) p.rules_.push_back(read_rule(node, problems));
    if (const auto section = doc["client_certificates"]) {
        auto certificates = CertificateIdentities::read(section);
        if (certificates) p.certificates_ = std::move(*certificates);
        else problems.insert(problems.end(), certificates.error().begin(), certificates.error().end());
    }
    if (!problems.empty()) return failure(std::move(problems));
    p.index_hosts();
    return p;
}

Policy Policy::parse(std::string_view text) { return value_or_throw<std::invalid_argument>(read(text)); }

void Policy::index_hosts() {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const auto& h = rules_[i].host;
        if (h.starts_with("*.")) {
            const std::string suffix = h.substr(1);
            auto it = std::find_if(wildcard_.begin(), wildcard_.end(), [&](auto& w) { return w.first == suffix; });
            if (it == wildcard_.end()) it = wildcard_.insert(wildcard_.end(), {suffix, {}});
            it->second.push_back(i);
        } else {
            exact_[h];
        }
    }
    has_upper_case_paths_ = std::any_of(rules_.begin(), rules_.end(), [](const PolicyRule& r) {
        return std::any_of(r.path.begin(), r.path.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    });
    // Every exact host's list: the rules naming it and the wildcard rules covering it, in file order.
    for (auto& [host, indices] : exact_)
        for (std::size_t i = 0; i < rules_.size(); ++i) {
            const auto& h = rules_[i].host;
            if (h == host || (h.starts_with("*.") && wildcard_matches(std::string_view(h).substr(1), host)))
                indices.push_back(i);
        }
}

PolicyMatch Policy::match(std::string_view host, std::string_view path, std::string_view method, bool fold_case) const {
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
        host = host.substr(0, colon);
    thread_local std::string key;
    key.assign(host);
    std::transform(key.begin(), key.end(), key.begin(), text::ascii_lower);

    auto first_match = [&](const std::vector<std::size_t>& indices) -> PolicyMatch {
        for (const auto i : indices) {
            const auto& r = rules_[i];
            if (!path_prefix_matches(r.path, path, fold_case)) continue;
            if (!r.methods.empty() && std::find(r.methods.begin(), r.methods.end(), method) == r.methods.end()) continue;
            return {r.is_public ? PolicyVerdict::public_access : PolicyVerdict::needs_user, &r};
        }
        return {PolicyVerdict::denied, nullptr};
    };
    if (const auto it = exact_.find(key); it != exact_.end()) return first_match(it->second);
    // Not named exactly: the wildcard rules that cover it, in file order.
    thread_local std::vector<std::size_t> covering;
    covering.clear();
    for (const auto& [suffix, indices] : wildcard_)
        if (wildcard_matches(suffix, key)) covering.insert(covering.end(), indices.begin(), indices.end());
    // A host no rule names: refused, unless the file leaves such hosts to the global rules (unnamed_hosts).
    if (covering.empty()) return {unnamed_hosts_refused_ ? PolicyVerdict::denied : PolicyVerdict::not_covered, nullptr};
    std::sort(covering.begin(), covering.end());
    return first_match(covering);
}

bool Policy::allows(const PolicyRule& rule, const session::Session& s) {
    for (const auto& g : rule.groups)
        if (std::find(s.groups.begin(), s.groups.end(), g) != s.groups.end()) return true;
    const std::string email = text::lower(s.email);
    for (const auto& e : rule.emails)
        if (text::lower(e) == email) return true;
    const auto at = email.rfind('@');
    if (at != std::string::npos)
        for (const auto& d : rule.email_domains)
            if (text::lower(d) == std::string_view(email).substr(at + 1)) return true;
    return false;
}

}  // namespace gh::authz
