#pragma once
// Traefik forwardAuth and Caddy forward_auth: GET <prefix>/forward_auth with the original request in
// X-Forwarded-*. These proxies return any non-2xx answer to the client as it is, so a browser without a session
// gets a 302 to sign in, a program 401; allowed is 200.
#include "doors/door_profile.hpp"

namespace gh::doors {

const DoorProfile& forward_auth_door();

}  // namespace gh::doors
