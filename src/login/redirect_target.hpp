#pragma once
#include <string>

#include "http/request.hpp"

namespace gh::login {

// Where a request asks to be sent afterwards: its `rd` query parameter, else, behind a trusted proxy
// (--reverse-proxy), the X-Auth-Request-Redirect header ingress-nginx sets; empty when neither is given.
// The caller still validates it.
std::string requested_redirect(const http::Request& req, bool trust_forwarded);

}  // namespace gh::login
