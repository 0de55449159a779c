#include "doors/forward_auth/forward_auth_door.hpp"

namespace gh::doors {
namespace {

http::OriginalSource forwarded_headers(const Config&) { return http::OriginalSource::x_forwarded; }

constexpr DoorProfile kForwardAuth{.name = "forward_auth", .path = "/forward_auth", .source = &forwarded_headers};

}  // namespace

const DoorProfile& forward_auth_door() { return kForwardAuth; }

}  // namespace gh::doors
