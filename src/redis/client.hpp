#pragma once
// What the session store needs of Redis, whatever its topology: run one single-key command.
// One client per I/O thread (RedisSessionStore makes one for each executor it serves); never shared between
// threads.
#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "redis/connection.hpp"

namespace gh::redis {

class Client {
public:
    virtual ~Client() = default;
    // `key`: the key `command` touches, which picks the node in a cluster. Awaited on the client's executor;
    // pass named locals, not braced temporaries.
    virtual boost::asio::awaitable<Result> execute(std::string_view key, Command command) = 0;
    // Connected to the server(s) it needs right now (for /ready).
    virtual bool connected() const = 0;
};

}  // namespace gh::redis
