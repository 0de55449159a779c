#pragma once
// Reads what the proxy in front says about the client's certificate (--client-certificate-headers):
//   ingress-nginx: ssl-client-verify (SUCCESS, FAILED:reason or NONE), ssl-client-subject-dn, ssl-client-issuer-dn,
//                  which its auth location sets from $ssl_client_verify, $ssl_client_s_dn and $ssl_client_i_dn;
//   envoy:         x-forwarded-client-cert (forward_client_cert_details SANITIZE_SET): Subject, URI and DNS of
//                  the last element, the one the proxy next to us added.
// Only a --trusted-proxy-ip peer is believed; headers from anyone else are reported as such and never used.
#include <string_view>

#include "authz/client_certificate.hpp"
#include "doors/config.hpp"

namespace gh::doors {

struct CertificateHeaders {
    std::string_view verify, subject_dn, issuer_dn;  // ingress-nginx
    std::string_view forwarded_client_cert;          // Envoy
};

void read_client_certificate(const CertificateHeaders& headers, bool from_trusted_proxy,
                             const ClientCertificateHeaders& sources, authz::ClientCertificate& out);

// One element of an x-forwarded-client-cert value (the last when there are several), or false when malformed.
bool parse_forwarded_client_cert(std::string_view value, authz::ClientCertificate& out);

}  // namespace gh::doors
