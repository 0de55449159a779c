#include "authz/policy.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

#include "text/ascii.hpp"

namespace gh::authz {
namespace {

[[noreturn]] void fail(const YAML::Node& node, const std::string& why) {
    throw std::invalid_argument("line " + std::to_string(node.Mark().line + 1) + ": " + why);
}

std::vector<std::string> string_list(const YAML::Node& node, const char* what) {
    if (!node.IsSequence()) fail(node, std::string(what) + " must be a list");
    std::vector<std::string> out;
    for (const auto& item : node) {
        if (!item.IsScalar() || item.as<std::string>().empty()) fail(item, std::string(what) + " holds an empty or non-text item");
        out.push_back(item.as<std::string>());
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

PolicyRule parse_rule(const YAML::Node& node) {
    if (!node.IsMap()) fail(node, "each rule must be a mapping");
    PolicyRule r;
    r.line = static_cast<int>(node.Mark().line) + 1;
    for (const auto& kv : node) {
        const auto key = kv.first.as<std::string>();
        if (key != "host" && key != "path" && key != "methods" && key != "allow" && key != "public")
            fail(kv.first, "unknown key '" + key + "' (expected host, path, methods, allow or public)");
    }
    if (!node["host"] || !node["host"].IsScalar()) fail(node, "rule without a host");
    r.host = text::lower(node["host"].as<std::string>());
    if (r.host.find_first_of("/: ") != std::string::npos || r.host.empty())
        fail(node["host"], "host '" + r.host + "' must be a name like app.example.com or *.example.com");
    if (r.host.find('*') != std::string::npos && !(r.host.starts_with("*.") && r.host.find('*', 1) == std::string::npos))
        fail(node["host"], "a wildcard host must look like *.example.com");
    if (node["path"]) {
        r.path = node["path"].as<std::string>();
        if (!r.path.starts_with('/')) fail(node["path"], "path must start with /");
    }
    if (node["methods"]) {
        r.methods = string_list(node["methods"], "methods");
        for (auto& m : r.methods) std::transform(m.begin(), m.end(), m.begin(), ::toupper);
    }
    if (node["public"]) {
        if (!node["public"].IsScalar()) fail(node["public"], "public must be true or false");
        r.is_public = node["public"].as<bool>();
    }
    if (const auto allow = node["allow"]) {
        if (!allow.IsMap()) fail(allow, "allow must be a mapping of groups, emails and email_domains");
        for (const auto& kv : allow) {
            const auto key = kv.first.as<std::string>();
            if (key == "groups") r.groups = string_list(kv.second, "groups");
            else if (key == "emails") r.emails = string_list(kv.second, "emails");
            else if (key == "email_domains") r.email_domains = string_list(kv.second, "email_domains");
            else fail(kv.first, "unknown key '" + key + "' in allow (expected groups, emails or email_domains)");
        }
    }
    const bool has_allow = !r.groups.empty() || !r.emails.empty() || !r.email_domains.empty();
    if (r.is_public == has_allow) fail(node, "a rule needs either public: true or a non-empty allow, not both");
    return r;
}

}  // namespace

Policy Policy::parse(std::string_view text) {
    YAML::Node doc;
    try {
        doc = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (!doc.IsMap() || !doc["rules"] || !doc["rules"].IsSequence())
        throw std::invalid_argument("line 1: the policy must be a mapping with a 'rules' list");
    Policy p;
    try {
        for (const auto& kv : doc) {
            const auto key = kv.first.as<std::string>();
            if (key != "rules" && key != "client_certificates" && key != "unnamed_hosts")
                fail(kv.first, "unknown key '" + key + "' (expected rules, unnamed_hosts and client_certificates)");
        }
        if (const auto unnamed = doc["unnamed_hosts"]) {
            const std::string value = unnamed.IsScalar() ? unnamed.as<std::string>() : std::string{};
            if (value == "global_rules") p.unnamed_hosts_refused_ = false;
            else if (value != "refuse") fail(unnamed, "unnamed_hosts must be refuse (the default) or global_rules");
        }
        for (const auto& node : doc["rules"]) p.rules_.push_back(parse_rule(node));
        if (const auto certificates = doc["client_certificates"]) p.certificates_ = CertificateIdentities::parse(certificates);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    for (std::size_t i = 0; i < p.rules_.size(); ++i) {
        const auto& h = p.rules_[i].host;
        if (h.starts_with("*.")) {
            const std::string suffix = h.substr(1);
            auto it = std::find_if(p.wildcard_.begin(), p.wildcard_.end(), [&](auto& w) { return w.first == suffix; });
            if (it == p.wildcard_.end()) it = p.wildcard_.insert(p.wildcard_.end(), {suffix, {}});
            it->second.push_back(i);
        } else {
            p.exact_[h];
        }
    }
    p.has_upper_case_paths_ = std::any_of(p.rules_.begin(), p.rules_.end(), [](const PolicyRule& r) {
        return std::any_of(r.path.begin(), r.path.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    });
    // Every exact host's list: the rules naming it and the wildcard rules covering it, in file order.
    for (auto& [host, indices] : p.exact_)
        for (std::size_t i = 0; i < p.rules_.size(); ++i) {
            const auto& h = p.rules_[i].host;
            if (h == host || (h.starts_with("*.") && wildcard_matches(std::string_view(h).substr(1), host)))
                indices.push_back(i);
        }
    return p;
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
