#pragma once
// What the doors need to read a proxy's subrequest and answer it (built by options/doors_config.cpp).
#include <string>
#include <vector>

#include "http/ip_range.hpp"
#include "identity/config.hpp"

namespace gh::doors {

// --original-request-headers: which headers /oauth2/auth reads the original request from (docs/security.md).
enum class OriginalRequestHeaders { x_original, x_forwarded };

// --client-certificate-headers: whose certificate headers to read (from --trusted-proxy-ip peers only).
struct ClientCertificateHeaders {
    bool ingress_nginx = false;  // ssl-client-verify, ssl-client-subject-dn, ssl-client-issuer-dn
    bool envoy = false;          // x-forwarded-client-cert
    bool any() const { return ingress_nginx || envoy; }
};

// The identity headers of an allowed answer come from the identity part.
struct Config : identity::Config {
    std::string proxy_prefix = "/oauth2";
    std::string redirect_url;  // empty: sign-in happens on each request's own host
    OriginalRequestHeaders original_request_headers = OriginalRequestHeaders::x_original;
    ClientCertificateHeaders client_certificate_headers;
    bool skip_jwt_bearer_tokens = false;
    bool reverse_proxy = false;
    std::vector<http::IpRange> trusted_ips;  // proxies that may send forwarded headers (empty: any peer)
    std::string real_client_ip_header = "X-Real-IP";
    // --max-url-length: the longest original URL a door reads, as the HTTP server's own request line (its 414). An
    // ext_authz CheckRequest carries the URL in a message of up to --grpc-max-message-bytes, and a denial repeats it
    // (three times as long, percent-encoded, in Location): 4 MiB paths left unread grew the server by 300 MB (D31-F2).
    std::size_t max_url_length = 8 * 1024;
};

}  // namespace gh::doors
