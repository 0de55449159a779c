#pragma once
// Every HTTP door, in the order a request's path is matched against them.
#include <span>

#include "doors/door_profile.hpp"

namespace gh::doors {

std::span<const DoorProfile* const> http_doors();

}  // namespace gh::doors
