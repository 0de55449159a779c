#include "proxy/upstream_routes.hpp"

namespace gh::proxy {

const Upstream* upstream_for(const std::vector<Upstream>& upstreams, std::string_view path) {
    const Upstream* best = nullptr;
    for (const auto& u : upstreams)
        if (path.starts_with(u.path) && (!best || u.path.size() > best->path.size())) best = &u;
    return best;
}

}  // namespace gh::proxy
