#pragma once
// Envoy's HTTP ext_authz service: <prefix>/envoy + the original path, with the original method and Host; answers
// like forward_auth (Envoy copies a denial to the client), 200 to allow.
#include "doors/door_profile.hpp"

namespace gh::doors {

const DoorProfile& envoy_http_door();

}  // namespace gh::doors
