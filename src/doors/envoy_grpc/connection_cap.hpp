#pragma once
// A cap on the gRPC port's open connections. gRPC 1.51 (Debian 12) has no channel argument for it
// (GRPC_ARG_MAX_ALLOWED_INCOMING_CONNECTIONS came later), so the cap rides on the one hook gRPC calls for every
// accepted connection: a socket mutator (GRPC_ARG_SOCKET_MUTATOR). A connection past the cap is shut down at once
// (gRPC then sees end-of-stream and drops it); the listener itself keeps accepting. gRPC does not say when a
// connection closes, so the live ones are tracked by descriptor and socket inode, pruned when the cap is reached.
#include <cstddef>
#include <memory>

namespace grpc {
class ServerBuilder;
}

namespace gh::doors::envoy_grpc {

// Installs the cap on `builder`. The cap's state is owned by gRPC's channel arguments from then on.
void cap_connections(grpc::ServerBuilder& builder, std::size_t max_connections);

}  // namespace gh::doors::envoy_grpc
