#include "proxy/upstream_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <unordered_map>
#include <vector>

#include "proxy/watchdog.hpp"

namespace gh::proxy {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// This thread's idle connections, by the upstream's "host:port".
std::unordered_map<std::string, std::vector<tcp::socket>>& idle_here() {
    thread_local std::unordered_map<std::string, std::vector<tcp::socket>> idle;
    return idle;
}

std::string key_of(const options::Options::Upstream& to) { return to.host + ":" + std::to_string(to.port); }

// Still usable: nothing to read (an upstream that closed it, or sent bytes nobody asked for, is done with it).
bool still_open(tcp::socket& s) {
    boost::system::error_code ec;
    s.non_blocking(true, ec);
    char probe;
    s.read_some(asio::buffer(&probe, 1), ec);
    const bool open = ec == asio::error::would_block;
    s.non_blocking(false, ec);
    return open;
}

}  // namespace

asio::awaitable<std::optional<tcp::socket>> UpstreamPool::connect(const options::Options::Upstream& to,
                                                                  std::chrono::milliseconds timeout, std::string& error,
                                                                  bool& reused) {
    auto& idle = idle_here()[key_of(to)];
    while (!idle.empty()) {
        tcp::socket s = std::move(idle.back());
        idle.pop_back();
        if (still_open(s)) {
            reused = true;
            co_return std::optional<tcp::socket>(std::move(s));
        }
    }
    reused = false;
    const auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    tcp::socket socket(executor);
    std::string host = to.host, port = std::to_string(to.port);
    boost::system::error_code rec, cec;
    tcp::resolver::results_type endpoints;
    bool expired = false;
    {
        const Watchdog watchdog(executor, timeout, [&resolver] { resolver.cancel(); });
        std::tie(rec, endpoints) = co_await resolver.async_resolve(host, port, kTuple);
        expired = watchdog.fired();
    }
    if (rec) {
        error = expired ? "resolving " + host + " took longer than --upstream-timeout" : "cannot resolve " + host + ": " + rec.message();
        co_return std::nullopt;
    }
    {
        const Watchdog watchdog(executor, timeout, [&socket] {
            boost::system::error_code ignored;
            socket.close(ignored);
        });
        std::tie(cec, std::ignore) = co_await asio::async_connect(socket, endpoints, kTuple);
        expired = watchdog.fired();
    }
    if (cec) {
        error = expired ? "connecting took longer than --upstream-timeout" : "cannot connect: " + cec.message();
        co_return std::nullopt;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    co_return std::optional<tcp::socket>(std::move(socket));
}

void UpstreamPool::give_back(const options::Options::Upstream& to, tcp::socket socket) {
    auto& idle = idle_here()[key_of(to)];
    if (idle.size() < kMaxIdle) idle.push_back(std::move(socket));
}

}  // namespace gh::proxy
