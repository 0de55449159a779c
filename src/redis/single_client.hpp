#pragma once
// A standalone Redis server, or the master that Sentinel names (followed across failovers).
#include <memory>
#include <vector>

#include "redis/client.hpp"

namespace gh::redis {

class SingleClient final : public Client {
public:
    // A standalone server at `options.endpoint`.
    SingleClient(boost::asio::any_io_executor executor, ConnectionOptions options);
    // The master named `master_name` by the sentinels at `sentinels` (tried in turn); `options.endpoint`
    // gives the master's password, database and TLS, its host and port come from the sentinels.
    SingleClient(boost::asio::any_io_executor executor, ConnectionOptions options, std::string master_name,
                 std::vector<Endpoint> sentinels);
    ~SingleClient() override;

    boost::asio::awaitable<Result> execute(std::string_view key, Command command) override;
    bool connected() const override { return connection_->connected(); }

private:
    struct Sentinels;
    std::shared_ptr<Sentinels> sentinels_;  // shared with the connection's locate function
    std::unique_ptr<Connection> connection_;
};

}  // namespace gh::redis
