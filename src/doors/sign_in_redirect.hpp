#pragma once
// What a door answers when sign-in is needed and the proxy passes the answer straight to the client
// (Traefik, Caddy, Envoy): a browser is sent to sign in, a program gets 401.
#include <string>
#include <string_view>

#include "doors/config.hpp"

namespace gh::doors {

// oauth2-proxy's rule, widened: a client that asks for JSON (and not HTML) or says it is an XMLHttpRequest is
// a program; everything else is treated as a browser.
bool wants_api_answer(std::string_view accept, std::string_view x_requested_with);

// Where a browser goes to sign in: <origin><proxy-prefix>/start?rd=<original URL>. The origin is that of
// --redirect-url when set (one central auth host), else the original request's own (Gatehouse's paths routed
// on every app host). /oauth2/start checks `rd` against --whitelist-domain as always.
std::string sign_in_location(const Config& o, std::string_view original_scheme,
                             std::string_view original_host, std::string_view original_url);

}  // namespace gh::doors
