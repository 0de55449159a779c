#pragma once
// Kubernetes gives every pod, in the variables of its environment, the address of each Service of its namespace:
// a Service named oauth2-proxy (the usual name during a migration) yields OAUTH2_PROXY_SERVICE_HOST,
// OAUTH2_PROXY_PORT_4180_TCP_ADDR and the like, and one named oauth2-proxy-redis yields
// OAUTH2_PROXY_REDIS_SERVICE_PORT. They share the prefix of settings but are none: oauth2-proxy ignores them,
// and so must Gatehouse, which refuses every other unknown OAUTH2_PROXY_* variable.
#include <string_view>

namespace gh::options {

// Whether `name=value` has the shape of a Kubernetes service-link variable (the name's suffix and the value
// both: SERVICE_HOST is an address, PORT a tcp://, udp:// or sctp:// URL, …).
bool is_kubernetes_service_link(std::string_view name, std::string_view value);

}  // namespace gh::options
