#pragma once
// What sets one HTTP door apart from another: where it answers, where it reads the original request, and how its
// proxy uses the answer. The engine (http_door.*) is shared; each door is a folder of doors/ holding its profile,
// listed once in http_doors.cpp.
#include <string_view>

#include "doors/config.hpp"
#include "http/original_request.hpp"
#include "http/request.hpp"

namespace gh::doors {

struct DoorProfile {
    // Its endpoint in /metrics (gatehouse_requests_total{endpoint=…}) and in the logs.
    std::string_view name;
    // Where it answers, under --proxy-prefix.
    std::string_view path;
    // The original path follows `path` (Envoy's HTTP ext_authz appends it to its path_prefix).
    bool path_is_prefix = false;
    // Which headers hold the original request (docs/security.md).
    http::OriginalSource (*source)(const Config& config);
    // After the original request was read: the door's own corrections (nullptr: none).
    void (*adjust_original)(const http::Request& req, http::OriginalRequest& read) = nullptr;
    // The auth URL's query holds per-app rules (allowed_groups, …); false where the request line is the original.
    bool route_rules_in_query = true;
    // nginx's auth_request keeps only the status: 2xx allows, 401 and 403 it answers itself (auth-signin,
    // error_page), anything else becomes a 500. Traefik, Caddy and Envoy hand a denial to the client whole, so
    // those doors send browsers to sign in and show the refusal page.
    bool proxy_uses_status_only = false;
    int allow_status = 200;
};

}  // namespace gh::doors
