#pragma once
// The policy file's client_certificates section: which client certificates, verified by the proxy in front,
// stand for which user and groups, and on which hosts such a certificate is believed at all.
//
//   client_certificates:
//     hosts: [api.example.com, "*.internal.example.com"]   # "*" for every host
//     identities:
//       - subject: "CN=ci-runner,OU=build,O=Example"        # or common_name:, uri: (SPIFFE ID), dns:
//         issuer: "CN=Example Build CA,O=Example"          # optional; only proxies that pass the issuer can match
//         user: ci-runner
//         email: ci-runner@example.com                     # optional
//         groups: [ci]
//
// Why `hosts`: ingress-nginx overwrites the ssl-client-* headers of an auth request only on hosts where it
// verifies client certificates; on every other host the client's own headers reach us unchanged, from the very
// proxy we trust. Only hosts whose proxy sets the headers may be listed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authz/client_certificate.hpp"
#include "authz/distinguished_name.hpp"
#include "result/result.hpp"

namespace YAML {
class Node;
}

namespace gh::authz {

struct CertificateIdentity {
    int line = 0;  // in the policy file, for explanations
    // Exactly one of these four says which certificate this is.
    std::optional<DistinguishedName> subject;
    std::string common_name, uri, dns;
    std::optional<DistinguishedName> issuer;
    // Who it stands for.
    std::string user, email;
    std::vector<std::string> groups;
};

class CertificateIdentities {
public:
    // Reads the section, or says every problem in it, each at its line in the policy file.
    static Result<CertificateIdentities, Errors> read(const YAML::Node& section);
    // The throwing form of read(), for sections known to be good (tests): std::invalid_argument "line N: …"
    // naming the first problem.
    static CertificateIdentities parse(const YAML::Node& section);

    bool empty() const { return identities_.empty(); }
    std::size_t size() const { return identities_.size(); }
    // Whether certificates are believed on `host` (which may carry a port).
    bool believed_for(std::string_view host) const;
    // The first identity that names this verified certificate, or nullptr.
    const CertificateIdentity* find(const ClientCertificate& certificate) const;

private:
    std::vector<std::string> hosts_;  // lower-case; "*.example.com" covers subdomains; "*" covers every host
    std::vector<CertificateIdentity> identities_;
};

}  // namespace gh::authz
