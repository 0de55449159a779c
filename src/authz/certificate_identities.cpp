#include "authz/certificate_identities.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

#include "text/ascii.hpp"

namespace gh::authz {
namespace {

[[noreturn]] void fail(const YAML::Node& node, const std::string& why) {
    throw std::invalid_argument("line " + std::to_string(node.Mark().line + 1) + ": " + why);
}

std::string text_of(const YAML::Node& node, const char* key) {
    if (!node.IsScalar() || node.as<std::string>().empty()) fail(node, std::string(key) + " must be non-empty text");
    return node.as<std::string>();
}

std::vector<std::string> text_list(const YAML::Node& node, const char* key) {
    if (!node.IsSequence()) fail(node, std::string(key) + " must be a list");
    std::vector<std::string> out;
    for (const auto& item : node) out.push_back(text_of(item, key));
    return out;
}

DistinguishedName name_of(const YAML::Node& node, const char* key) {
    const std::string text = text_of(node, key);
    auto dn = DistinguishedName::parse(text);
    if (!dn) fail(node, std::string(key) + " '" + text + "' is not a name like \"CN=ci-runner,O=Example\" (RFC 4514)");
    return *dn;
}

CertificateIdentity parse_identity(const YAML::Node& node) {
    if (!node.IsMap()) fail(node, "each client certificate identity must be a mapping");
    CertificateIdentity id;
    id.line = static_cast<int>(node.Mark().line) + 1;
    int names = 0;
    for (const auto& kv : node) {
        const auto key = kv.first.as<std::string>();
        if (key == "subject")
            id.subject = name_of(kv.second, "subject"), ++names;
        else if (key == "common_name")
            id.common_name = text_of(kv.second, "common_name"), ++names;
        else if (key == "uri")
            id.uri = text_of(kv.second, "uri"), ++names;
        else if (key == "dns")
            id.dns = text::lower(text_of(kv.second, "dns")), ++names;
        else if (key == "issuer")
            id.issuer = name_of(kv.second, "issuer");
        else if (key == "user")
            id.user = text_of(kv.second, "user");
        else if (key == "email")
            id.email = text_of(kv.second, "email");
        else if (key == "groups")
            id.groups = text_list(kv.second, "groups");
        else
            fail(kv.first, "unknown key '" + key +
                               "' (expected subject, common_name, uri or dns, and issuer, user, email, groups)");
    }
    if (names != 1) fail(node, "an identity needs exactly one of subject, common_name, uri or dns");
    if (id.user.empty()) fail(node, "an identity needs a user");
    return id;
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

CertificateIdentities CertificateIdentities::parse(const YAML::Node& section) {
    if (!section.IsMap()) fail(section, "client_certificates must be a mapping with hosts and identities");
    CertificateIdentities out;
    for (const auto& kv : section) {
        const auto key = kv.first.as<std::string>();
        if (key != "hosts" && key != "identities")
            fail(kv.first, "unknown key '" + key + "' in client_certificates (expected hosts and identities)");
    }
    if (!section["hosts"])
        fail(section,
             "client_certificates needs hosts: the hosts whose proxy verifies client "
             "certificates and sets the certificate headers (\"*\" for all)");
    for (auto& h : text_list(section["hosts"], "hosts")) {
        h = text::lower(h);
        if (h != "*" &&
            (h.find_first_of("/: ") != std::string::npos ||
             (h.find('*') != std::string::npos && !(h.starts_with("*.") && h.find('*', 1) == std::string::npos))))
            fail(section["hosts"], "host '" + h + "' must be a name like api.example.com, *.example.com or *");
        out.hosts_.push_back(std::move(h));
    }
    if (out.hosts_.empty()) fail(section["hosts"], "hosts must name at least one host");
    if (!section["identities"] || !section["identities"].IsSequence() || section["identities"].size() == 0)
        fail(section, "client_certificates needs a non-empty identities list");
    for (const auto& node : section["identities"]) out.identities_.push_back(parse_identity(node));
    return out;
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
