#include "doors/http_doors.hpp"

#include <array>

#include "doors/envoy_http/envoy_http_door.hpp"
#include "doors/forward_auth/forward_auth_door.hpp"
#include "doors/nginx/nginx_door.hpp"

namespace gh::doors {

// Adding a door: a folder of doors/ with its DoorProfile, and its line here.
std::span<const DoorProfile* const> http_doors() {
    static const std::array doors = {
        &nginx_door(),
        &forward_auth_door(),
        &envoy_http_door(),
    };
    return doors;
}

}  // namespace gh::doors
