#pragma once
// The request the client made, as one door hears of it: read once, from the headers that door's proxy sets and no
// others, into one value. Anything ambiguous is refused here, so that no rule is ever matched against a guess
// (see docs/security.md).
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace gh::http {

// Where a door learns the original request.
enum class OriginalSource {
    x_original,    // nginx auth_request, ingress-nginx: X-Original-URL (absolute) + X-Original-Method
    x_forwarded,   // Traefik, Caddy, Traefik's ingress-nginx provider: X-Forwarded-Method/-Proto/-Host/-Uri
    request_line,  // Envoy's HTTP ext_authz and reverse-proxy mode: the request itself (its line and Host)
};

struct OriginalRequest {
    std::string_view method;
    std::string_view scheme;  // "http" or "https"
    std::string host;         // canonical: lower-case, without port or trailing dot (owned: its buffer is reused)
    std::string_view port;    // digits as sent; empty when none was
    std::string_view path;    // raw, as sent: starts with '/'
    std::string_view query;   // after '?', without it

    // host[:port], for URLs that send the browser back.
    std::string authority() const;
    // scheme://authority/path?query
    std::string url() const;
};

// Reads the original request of `req` from `source` into `out` (its buffers reused). Returns nullptr when read, or a
// short static text saying why it cannot be (for the log): a header of the set sent twice, a required one missing,
// X-Original-URL not absolute, a host or path that no server would read the same way, a '#' or a control byte.
// For request_line, `path_prefix` is cut from the front of the path (Envoy's ext_authz path_prefix).
// Whether the headers may be believed at all (the peer is a trusted proxy) is the caller's question.
const char* read_original_request(const Request& req, OriginalSource source, OriginalRequest& out,
                                  std::string_view path_prefix = {});

// The canonical form of an authority's host into `host` (lower-case; port and one trailing dot removed, the port
// into `port`). False when it is not a host name or IP literal (empty, '@', '\\', '%', spaces, control bytes, a bad
// port).
bool canonical_host(std::string_view authority, std::string& host, std::string_view& port);

// False when a path or query holds '#', a space or a control byte: what servers split on, or choke at.
bool readable_target(std::string_view part);

}  // namespace gh::http
