#include "doors/envoy_grpc/connection_cap.hpp"

#include <grpc/support/sync.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/impl/server_builder_option.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <vector>

// gRPC core's socket mutator, as laid out in 1.51 (src/core/lib/iomgr/socket_mutator.h, which Debian does not
// install; the public headers only name the type). The layout was checked against libgrpc.so.29: the usage-aware
// hook is the fourth pointer of the table, and gRPC calls it when set.
enum grpc_fd_usage { GRPC_FD_CLIENT_CONNECTION_USAGE, GRPC_FD_SERVER_LISTENER_USAGE, GRPC_FD_SERVER_CONNECTION_USAGE };
struct grpc_mutate_socket_info {
    int fd;
    grpc_fd_usage usage;
};
struct grpc_socket_mutator_vtable {
    bool (*mutate_fd)(int fd, grpc_socket_mutator* mutator);
    int (*compare)(grpc_socket_mutator* a, grpc_socket_mutator* b);
    void (*destroy)(grpc_socket_mutator* mutator);
    bool (*mutate_fd_2)(const grpc_mutate_socket_info* info, grpc_socket_mutator* mutator);
};
struct grpc_socket_mutator {
    const grpc_socket_mutator_vtable* vtable;
    gpr_refcount refcount;
};

namespace gh::doors::envoy_grpc {
namespace {

using Clock = std::chrono::steady_clock;

class ConnectionCap {
public:
    explicit ConnectionCap(std::size_t max) : max_(max) {}

    // Called on gRPC's poller thread for each accepted connection.
    void admit(int fd) {
        struct stat st {};
        if (::fstat(fd, &st) != 0) return;
        const std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        // Pruning costs one fstat per tracked connection: done only at the cap, and at most every 100 ms there, so
        // a flood of connections past the cap costs nothing but the shutdown.
        if (live_.size() >= max_ && now - last_prune_ >= std::chrono::milliseconds(100)) {
            last_prune_ = now;
            std::erase_if(live_, [](const Live& l) {
                struct stat s {};
                return ::fstat(l.fd, &s) != 0 || s.st_ino != l.inode;
            });
        }
        if (live_.size() < max_) {
            live_.push_back({fd, st.st_ino});
            return;
        }
        ::shutdown(fd, SHUT_RDWR);
        if (now - last_log_ >= std::chrono::seconds(1)) {
            last_log_ = now;
            spdlog::warn("refused a gRPC connection: --max-connections={} reached", max_);
        }
    }

private:
    struct Live {
        int fd;
        ino_t inode;  // a descriptor number is reused after close; a live socket's inode is not
    };
    const std::size_t max_;
    std::mutex mutex_;
    std::vector<Live> live_;
    Clock::time_point last_prune_{};
    Clock::time_point last_log_{};
};

struct CapMutator : grpc_socket_mutator {
    explicit CapMutator(std::size_t max) : cap(max) {
        vtable = &kVtable;
        gpr_ref_init(&refcount, 1);
    }
    ConnectionCap cap;

    static CapMutator* of(grpc_socket_mutator* m) { return static_cast<CapMutator*>(m); }
    static bool mutate_fd(int, grpc_socket_mutator*) { return true; }  // listeners and clients: untouched
    static int compare(grpc_socket_mutator* a, grpc_socket_mutator* b) { return (a > b) - (a < b); }
    static void destroy(grpc_socket_mutator* m) { delete of(m); }
    // Never false: gRPC 1.51 stops its whole listener when a mutator fails on an accepted connection.
    static bool mutate_fd_2(const grpc_mutate_socket_info* info, grpc_socket_mutator* m) {
        if (info->usage == GRPC_FD_SERVER_CONNECTION_USAGE) of(m)->cap.admit(info->fd);
        return true;
    }
    static constexpr grpc_socket_mutator_vtable kVtable{&mutate_fd, &compare, &destroy, &mutate_fd_2};
};

class CapOption final : public grpc::ServerBuilderOption {
public:
    explicit CapOption(std::size_t max) : max_(max) {}
    void UpdateArguments(grpc::ChannelArguments* args) override {
        args->SetSocketMutator(new CapMutator(max_));  // the arguments own its one reference
    }
    void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*) override {}

private:
    std::size_t max_;
};

}  // namespace

void cap_connections(grpc::ServerBuilder& builder, std::size_t max_connections) {
    builder.SetOption(std::make_unique<CapOption>(max_connections));
}

}  // namespace gh::doors::envoy_grpc
