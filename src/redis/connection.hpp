#pragma once
// One pipelined connection to one Redis server, living on one executor (one I/O thread): commands from
// every request of that thread share it, are written in batches and answered in order. It connects by
// itself, reconnects with bounded backoff, and fails a command rather than wait past its timeout.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redis/endpoint.hpp"
#include "redis/reply.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::redis {

using Command = std::span<const std::string_view>;

struct Result {
    Reply reply;
    std::string failure;  // set when no reply came (timeout, connection lost): the command may or may not have run
    bool ok() const { return failure.empty(); }
};

struct ConnectionOptions {
    Endpoint endpoint;
    std::shared_ptr<boost::asio::ssl::context> tls;  // required when endpoint.tls
    std::chrono::milliseconds timeout{1000};         // for each command, and for connecting
    // A connection unused this long gets a PING, so a Redis `timeout` longer than this never closes it
    // under us (--redis-connection-idle-timeout). 0: off.
    std::chrono::milliseconds idle_timeout{0};
    // Sentinel: a connection must reach the master, and ROLE confirms it (a demoted master would accept
    // reads and refuse writes).
    bool require_master = false;
    // Asked before each connect attempt where to connect (Sentinel asks the sentinels); nullopt: not known
    // yet, try again after the backoff. Unset: always `endpoint`.
    std::function<boost::asio::awaitable<std::optional<Endpoint>>()> locate;
    std::string name = "redis";  // for log lines
    // Upper bound of commands waiting for a reply; more fail at once instead of growing without limit.
    std::size_t max_pending = 100'000;
};

class Connection {
public:
    Connection(boost::asio::any_io_executor executor, ConnectionOptions options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Must be awaited on this connection's executor. Pass named locals, not braced temporaries.
    boost::asio::awaitable<Result> execute(Command command);
    // The commands go out back to back, with nothing in between (a cluster's ASKING must directly precede
    // the command it applies to); one result each.
    boost::asio::awaitable<std::vector<Result>> execute_all(std::span<const Command> commands);

    // Safe from any thread (the others may only ask, for /ready).
    bool connected() const;
    // Where it is (or was last) connected: host:port.
    std::string address() const;
    // Drops the current link (if any) and connects again: for a caller that learnt the server is wrong
    // (READONLY after a failover).
    void reconnect(std::string_view why);

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace gh::redis
