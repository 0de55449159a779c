#pragma once
// nginx auth_request and ingress-nginx auth-url: GET <prefix>/auth answers 202 + identity headers, 401 (the proxy
// sends the browser to auth-signin), 403, or 503 (session store down).
#include "doors/door_profile.hpp"

namespace gh::doors {

const DoorProfile& nginx_door();

}  // namespace gh::doors
