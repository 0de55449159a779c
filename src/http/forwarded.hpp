#pragma once
// The URL the user originally asked for, as seen through the proxy in front of us.
#include <string>

#include "http/request.hpp"

namespace gh::http {

struct OriginalUrl {
    std::string scheme;  // "http" or "https"
    std::string host;    // with port when not the default
    std::string uri;     // path and query

    std::string to_string() const { return scheme + "://" + host + uri; }
};

// With `trust_forwarded` (--reverse-proxy): X-Original-URL (ingress-nginx, nginx auth_request) wins, else
// X-Forwarded-Proto/-Host/-Uri (Traefik, Caddy), each falling back to the request's own values. Without it
// those headers are ignored: any client can send them.
OriginalUrl original_url(const Request& req, bool trust_forwarded);

// The original method and path (no query) as views into the request's headers, without allocating: for
// matching public routes on every auth request. Empty path when the proxy did not say (or is not trusted).
struct OriginalTarget {
    std::string_view method;
    std::string_view path;
    std::string_view host;  // may carry a port
};
OriginalTarget original_target(const Request& req, bool trust_forwarded);

}  // namespace gh::http
