#pragma once
// Redis Cluster: each command goes to the master that owns its key's slot. The slot map comes from
// CLUSTER SLOTS and follows MOVED (slot moved for good: update the map and refresh it) and ASK (slot
// being migrated: ask the target node this once, after ASKING).
#include <atomic>
#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

#include "redis/client.hpp"
#include "redis/key_slot.hpp"

namespace gh::redis {

class ClusterClient final : public Client {
public:
    // `seeds`: some nodes of the cluster (--redis-cluster-connection-urls); `options` gives password, TLS
    // and timeout for every node.
    ClusterClient(boost::asio::any_io_executor executor, ConnectionOptions options, std::vector<Endpoint> seeds);
    ~ClusterClient() override;

    boost::asio::awaitable<Result> execute(std::string_view key, Command command) override;
    bool connected() const override;

    // Re-reads the slot map from a node that answers; false when none did.
    boost::asio::awaitable<bool> refresh_topology();

private:
    // Lifetime: the client outlives its executor's run (it is destroyed after the I/O threads stop).
    void refresh_in_background();
    Connection& node(const std::string& host, std::uint16_t port);
    Connection* owner_of(std::uint16_t slot);

    boost::asio::any_io_executor executor_;
    ConnectionOptions options_;
    std::vector<Endpoint> seeds_;
    std::unordered_map<std::string, std::unique_ptr<Connection>> nodes_;  // by host:port
    // Written on this client's thread only; atomic (relaxed: a plain load on the hot path) because
    // connected() reads them from other threads for /ready. The Connections they point to live as long as
    // the client (nodes_ never shrinks).
    std::array<std::atomic<Connection*>, kClusterSlots> slots_{};  // null: unknown
    std::atomic<bool> known_{false};
    bool refreshing_ = false;
};

}  // namespace gh::redis
