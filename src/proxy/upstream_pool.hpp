#pragma once
// Keep-alive connections to upstreams, per I/O thread: a proxied request takes an idle one that is still open,
// or connects anew; a connection whose answer was read to the end goes back for the next request. No lock: each
// thread's connections belong to its own event loop.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "options/options.hpp"

namespace gh::proxy {

class UpstreamPool {
public:
    // Idle connections kept per upstream and thread; more are closed.
    static constexpr std::size_t kMaxIdle = 32;

    // An open connection to `to` on the caller's executor; nullopt, and `error` set, when it cannot be made within
    // `timeout`. `reused`: it served a request before (the upstream may close it at any moment).
    static boost::asio::awaitable<std::optional<boost::asio::ip::tcp::socket>> connect(
        const options::Options::Upstream& to, std::chrono::milliseconds timeout, std::string& error, bool& reused);
    static void give_back(const options::Options::Upstream& to, boost::asio::ip::tcp::socket socket);
};

}  // namespace gh::proxy
