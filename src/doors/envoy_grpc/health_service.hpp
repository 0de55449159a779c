#pragma once
// grpc.health.v1.Health (the standard health protocol Envoy's, Kubernetes' and grpc_health_probe's checks speak):
// SERVING for the server ("") and for envoy.service.auth.v3.Authorization; any other name is unknown. Watch
// keeps its stream open and says NOT_SERVING when the server drains.
#include "doors/envoy_grpc/grpc_call.hpp"

namespace gh::doors::envoy_grpc {

void health_check(GrpcCall& call);
void health_watch(GrpcCall& call);

}  // namespace gh::doors::envoy_grpc
