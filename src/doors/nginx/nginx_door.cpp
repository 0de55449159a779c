#include "doors/nginx/nginx_door.hpp"

namespace gh::doors {
namespace {

// X-Original-URL and X-Original-Method (nginx's auth_request recipes, ingress-nginx), or, for Traefik's
// ingress-nginx provider, X-Forwarded-* (--original-request-headers).
http::OriginalSource nginx_source(const Config& config) {
    return config.original_request_headers == OriginalRequestHeaders::x_forwarded ? http::OriginalSource::x_forwarded
                                                                                  : http::OriginalSource::x_original;
}

constexpr DoorProfile kNginx{.name = "auth",
                             .path = "/auth",
                             .source = &nginx_source,
                             .proxy_uses_status_only = true,
                             .allow_status = 202};

}  // namespace

const DoorProfile& nginx_door() { return kNginx; }

}  // namespace gh::doors
