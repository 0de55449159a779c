#pragma once
// Which --upstream serves a request: the one whose route is the longest prefix of the request's path.
#include <string_view>
#include <vector>

#include "proxy/config.hpp"

namespace gh::proxy {

// nullptr when no route covers `path`.
const Upstream* upstream_for(const std::vector<Upstream>& upstreams, std::string_view path);

}  // namespace gh::proxy
