#include "doors/envoy_grpc/health_service.hpp"

#include <optional>
#include <string>

#include "doors/envoy_grpc/protobuf_wire.hpp"

namespace gh::doors::envoy_grpc {
namespace {

// HealthCheckResponse.ServingStatus
enum ServingStatus : std::uint64_t { kServing = 1, kNotServing = 2, kServiceUnknown = 3 };

// HealthCheckRequest.service (field 1); empty when the bytes are not a HealthCheckRequest.
std::optional<std::string_view> service_of(std::string_view request) {
    std::string_view service;
    const bool ok = wire::for_each_field(request, [&](std::uint32_t tag, wire::Reader& in) {
        if (wire::number_of(tag) != 1 || wire::type_of(tag) != wire::kLength) return in.skip(tag);
        return in.read_string(service);
    });
    if (!ok) return std::nullopt;
    return service;
}

bool is_known(std::string_view service) {
    return service.empty() || service == "envoy.service.auth.v3.Authorization" || service == "grpc.health.v1.Health";
}

std::string_view response(ServingStatus status) {
    thread_local std::string out;
    out.clear();
    wire::Writer(out, wire::varint_field_size(1, status)).varint_field(1, status);
    return out;
}

}  // namespace

void health_check(GrpcCall& call) {
    const auto service = service_of(call.message());
    if (!service) return call.fail(RpcStatus::invalid_argument, "not a HealthCheckRequest");
    if (!is_known(*service)) return call.fail(RpcStatus::not_found, "unknown service");
    call.reply(response(kServing));
}

void health_watch(GrpcCall& call) {
    const auto service = service_of(call.message());
    if (!service) return call.fail(RpcStatus::invalid_argument, "not a HealthCheckRequest");
    call.send(response(is_known(*service) ? kServing : kServiceUnknown));
    call.on_draining([](GrpcCall& c) {
        c.send(response(kNotServing));
        c.end(RpcStatus::ok);
    });
}

}  // namespace gh::doors::envoy_grpc
