#pragma once
// What the proxy in front said about the client's TLS certificate, before anyone decides whether to believe it.
// Filled by the doors from ingress-nginx's ssl-client-* headers or Envoy's x-forwarded-client-cert; mapped to a
// user by the policy file's client_certificates section (authz::CertificateIdentities).
#include <string>
#include <vector>

namespace gh::authz {

struct ClientCertificate {
    enum class State {
        none,            // no certificate headers (or none of a source that is switched on)
        verified,        // a --trusted-proxy-ip proxy verified the certificate and described it
        not_verified,    // the proxy passed the headers but says the certificate failed (or said nothing usable)
        untrusted_peer,  // certificate headers from a peer that is not a --trusted-proxy-ip: ignored
    };
    State state = State::none;
    std::string subject;                       // RFC 4514, as the proxy wrote it
    std::string issuer;                        // empty when the proxy does not pass it (Envoy)
    std::vector<std::string> uris, dns_names;  // subject alternative names (Envoy)
    std::string problem;                       // why it is not used, for the log

    void clear() {
        state = State::none;
        subject.clear();
        issuer.clear();
        uris.clear();
        dns_names.clear();
        problem.clear();
    }
};

}  // namespace gh::authz
