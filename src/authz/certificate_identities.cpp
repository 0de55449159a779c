#include "authz/certificate_identities.hpp"

#include <algorithm>
#include <stdexcept>

#include "authz/yaml_problems.hpp"
#include "text/ascii.hpp"

namespace gh::authz {
namespace {

std::optional<std::string> text_of(const YAML::Node& node, const char* key, Errors& problems) {
    auto text = scalar_text(node);
    if (!text || text->empty()) {
        add_problem(problems, node, std::string(key) + " must be non-empty text");
        return std::nullopt;
    }
    return text;
}

std::vector<std::string> text_list(const YAML::Node& node, const char* key, Errors& problems) {
    std::vector<std::string> out;
    if (!node.IsSequence()) {
        add_problem(problems, node, std::string(key) + " must be a list");
        return out;
    }
    for (const auto& item : node)
        if (auto text = text_of(item, key, problems)) out.push_back(std::move(*text));
    return out;
}

std::optional<DistinguishedName> name_of(const YAML::Node& node, const char* key, Errors& problems) {
    const auto text = text_of(node, key, problems);
    if (!text) return std::nullopt;
    auto dn = DistinguishedName::parse(*text);
    if (!dn)
        add_problem(problems, node,
                    std::string(key) + " '" + *text + "' is not a name like \"CN=ci-runner,O=Example\" (RFC 4514)");
    return dn;
}

// One key of an identity into `id`; false when the key is none an identity has.
bool read_identity_key(const std::string& key, const YAML::Node& value, CertificateIdentity& id, int& names,
                       Errors& problems) {
    const auto text = [&](const char* k) { return text_of(value, k, problems).value_or(""); };
    if (key == "subject") id.subject = name_of(value, "subject", problems), ++names;
    else if (key == "common_name") id.common_name = text("common_name"), ++names;
    else if (key == "uri") id.uri = text("uri"), ++names;
    else if (key == "dns") id.dns = text::lower(text("dns")), ++names;
    else if (key == "issuer") id.issuer = name_of(value, "issuer", problems);
    else if (key == "user") id.user = text("user");
    else if (key == "email") id.email = text("email");
    else if (key == "groups") id.groups = text_list(value, "groups", problems);
    else return false;
    return true;
}

CertificateIdentity read_identity(const YAML::Node& node, Errors& problems) {
    CertificateIdentity id;
    if (!node.IsMap()) {
        add_problem(problems, node, "each client certificate identity must be a mapping");
        return id;
    }
    id.line = line_of(node);
    int names = 0;
    const std::size_t before = problems.size();
    for (const auto& kv : node) {
        const auto key = key_text(kv.first);
        if (!read_identity_key(key, kv.second, id, names, problems))
            add_problem(problems, kv.first,
                        "unknown key '" + key +
                            "' (expected subject, common_name, uri or dns, and issuer, user, email, groups)");
    }
    if (names != 1) add_problem(problems, node, "an identity needs exactly one of subject, common_name, uri or dns");
    // A user given but unreadable was reported above.
    if (id.user.empty() && problems.size() == before) add_problem(problems, node, "an identity needs a user");
    return id;
}

// hosts: the hosts whose proxy verifies client certificates, lower-cased.
std::vector<std::string> read_hosts(const YAML::Node& section, Errors& problems) {
    const auto hosts = section["hosts"];
    if (!hosts) {
        add_problem(problems, section,
                    "client_certificates needs hosts: the hosts whose proxy verifies client "
                    "certificates and sets the certificate headers (\"*\" for all)");
        return {};
    }
    const std::size_t before = problems.size();
    std::vector<std::string> out;
    for (auto& h : text_list(hosts, "hosts", problems)) {
        h = text::lower(h);
        if (h != "*" &&
            (h.find_first_of("/: ") != std::string::npos ||
             (h.find('*') != std::string::npos && !(h.starts_with("*.") && h.find('*', 1) == std::string::npos))))
            add_problem(problems, hosts, "host '" + h + "' must be a name like api.example.com, *.example.com or *");
        out.push_back(std::move(h));
    }
    if (out.empty() && problems.size() == before) add_problem(problems, hosts, "hosts must name at least one host");
    return out;
}

std::string_view without_port(std::string_view host) {
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
        return host.substr(0, colon);
    return host;
}

bool host_matches(std::string_view pattern, std::string_view host) {
    if (pattern == "*") return true;
    if (pattern.starts_with("*.")) return host.size() > pattern.size() - 1 && host.ends_with(pattern.substr(1));
    return host == pattern;
}

}  // namespace

Result<CertificateIdentities, Errors> CertificateIdentities::read(const YAML::Node& section) {
    Errors problems;
    if (!section.IsMap()) {
        add_problem(problems, section, "client_certificates must be a mapping with hosts and identities");
        return failure(std::move(problems));
    }
    for (const auto& kv : section) {
        const auto key = key_text(kv.first);
        if (key != "hosts" && key != "identities")
            add_problem(problems, kv.first,
                        "unknown key '" + key + "' in client_certificates (expected hosts and identities)");
    }
    CertificateIdentities out;
    out.hosts_ = read_hosts(section, problems);
    const auto identities = section["identities"];
    if (!identities || !identities.IsSequence() || identities.size() == 0)
        add_problem(problems, section, "client_certificates needs a non-empty identities list");
    else
        for (const auto& node : identities) out.identities_.push_back(read_identity(node, problems));
    if (!problems.empty()) return failure(std::move(problems));
    return out;
}

CertificateIdentities CertificateIdentities::parse(const YAML::Node& section) {
    return value_or_throw<std::invalid_argument>(read(section));
}

bool CertificateIdentities::believed_for(std::string_view host) const {
    const std::string h = text::lower(without_port(host));
    return std::any_of(hosts_.begin(), hosts_.end(), [&](const std::string& p) { return host_matches(p, h); });
}

const CertificateIdentity* CertificateIdentities::find(const ClientCertificate& certificate) const {
    if (certificate.state != ClientCertificate::State::verified) return nullptr;
    const auto subject = DistinguishedName::parse(certificate.subject);
    const auto issuer = DistinguishedName::parse(certificate.issuer);
    for (const auto& id : identities_) {
        if (id.issuer && (!issuer || *issuer != *id.issuer)) continue;
        const bool named =
            (id.subject && subject && *subject == *id.subject) ||
            (!id.common_name.empty() && subject && subject->common_name() == id.common_name) ||
            (!id.uri.empty() &&
             std::find(certificate.uris.begin(), certificate.uris.end(), id.uri) != certificate.uris.end()) ||
            (!id.dns.empty() && std::any_of(certificate.dns_names.begin(), certificate.dns_names.end(),
                                            [&](const std::string& d) { return text::iequals(d, id.dns); }));
        if (named) return &id;
    }
    return nullptr;
}

}  // namespace gh::authz
