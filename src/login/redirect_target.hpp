#pragma once
#include <string>

#include "http/request.hpp"

namespace gh::login {

// Where a request asks to be sent afterwards: its `rd` query parameter, else, behind a trusted proxy
// (--reverse-proxy), the X-Auth-Request-Redirect header ingress-nginx sets; empty when neither is given.
// The caller still validates it.
std::string requested_redirect(const http::Request& req, bool trust_forwarded);

// Behind a trusted proxy (the caller checks), a request without `rd` (a proxy's sign-in link to /oauth2/start)
// returns to the URL the proxy names in X-Forwarded-Proto, -Host and -Uri, as oauth2-proxy rebuilds it
// (getXForwardedHeadersRedirect) when X-Forwarded-Host is another host than Host; otherwise to X-Forwarded-Uri
// alone, a path on this host (getURIRedirect). A path under `proxy_prefix` becomes "/". Empty unless each header
// names one value one way only: one line, no list; the scheme http or https; a host of letters, digits, '-' and
// '.' with an optional numeric port; the path a local one. The caller validates the result (--whitelist-domain,
// and authz::RedirectValidator's rules for a path).
std::string forwarded_redirect(const http::Request& req, std::string_view proxy_prefix);

}  // namespace gh::login
