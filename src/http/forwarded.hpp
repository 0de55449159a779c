#pragma once
// The URL the user originally asked for, as seen through the proxy in front of us.
#include <cstdint>
#include <optional>
#include <string>

#include "http/request.hpp"

namespace gh::http {

struct OriginalUrl {
    std::string scheme;  // "http" or "https"
    std::string host;    // with port when not the default
    std::string uri;     // path and query

    std::string to_string() const { return scheme + "://" + host + uri; }
};

// Where the browser reached Gatehouse itself (sign-in, callback, sign-out pages: their cookie domain and the URL to
// return to), never for a decision: the doors decide on http/original_request.hpp's strict reading.
// With `trust_forwarded` (--reverse-proxy): X-Original-URL (ingress-nginx, nginx auth_request) wins, else
// X-Forwarded-Proto/-Host/-Uri (Traefik, Caddy), each falling back to the request's own values. Without it
// those headers are ignored: any client can send them.
OriginalUrl original_url(const Request& req, bool trust_forwarded);

// --force-https: for a request the browser sent over plain HTTP (as original_url reads it), the same URL over
// HTTPS, a port in its host replaced by `https_port` (dropped when 443); nullopt when it came over HTTPS.
std::optional<std::string> https_redirect(const Request& req, bool trust_forwarded, std::uint16_t https_port);

}  // namespace gh::http
