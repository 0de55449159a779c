#include "doors/envoy_http/envoy_http_door.hpp"

namespace gh::doors {
namespace {

http::OriginalSource request_line(const Config&) { return http::OriginalSource::request_line; }

// Envoy calls us in plain HTTP inside the mesh; the client's scheme is in X-Forwarded-Proto (for redirects).
void scheme_from_forwarded_proto(const http::Request& req, http::OriginalRequest& read) {
    read.scheme = req.header("X-Forwarded-Proto") == "http" ? "http" : "https";
}

constexpr DoorProfile kEnvoyHttp{.name = "envoy_http",
                                 .path = "/envoy",
                                 .path_is_prefix = true,
                                 .source = &request_line,
                                 .adjust_original = &scheme_from_forwarded_proto,
                                 .route_rules_in_query = false};

}  // namespace

const DoorProfile& envoy_http_door() { return kEnvoyHttp; }

}  // namespace gh::doors
