#include "proxy/upstream_pool.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <unordered_map>
#include <vector>

#include "http/tuple_token.hpp"
#include "proxy/watchdog.hpp"

namespace gh::proxy {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using http::kTuple;

// This thread's idle connections, by the upstream's "scheme://host:port".
std::unordered_map<std::string, std::vector<UpstreamConnection>>& idle_here() {
    thread_local std::unordered_map<std::string, std::vector<UpstreamConnection>> idle;
    return idle;
}

std::string key_of(const Upstream& to) {
    return (to.tls ? "https://" : "http://") + to.host + ":" + std::to_string(to.port);
}

// Still usable: the upstream has not closed it and has sent nothing since its last answer (bytes waiting would be
// read as the next request's answer). Peeked, not read. Only plain connections are pooled (ReverseProxy::forward).
bool still_open(UpstreamConnection& c) {
    char probe;
    const auto n = ::recv(c.socket().native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// An idle connection to `to` from this thread's pool that is still usable; those found closed are dropped.
std::optional<UpstreamConnection> take_idle(const Upstream& to) {
    auto& idle = idle_here()[key_of(to)];
    while (!idle.empty()) {
        UpstreamConnection c = std::move(idle.back());
        idle.pop_back();
        if (still_open(c)) {
            c.mark_reused();
            return c;
        }
    }
    return std::nullopt;
}

// TLS over a connected socket: SNI when `host` is a name (not for an address), and the certificate checked against
// `host` when `verify`.
asio::awaitable<std::optional<UpstreamConnection>> secure(tcp::socket socket, const std::string& host,
                                                          asio::ssl::context& tls, bool verify,
                                                          std::chrono::milliseconds timeout, std::string& error) {
    const auto executor = co_await asio::this_coro::executor;
    auto stream = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(socket), tls);
    boost::system::error_code not_an_address;
    asio::ip::make_address(host, not_an_address);
    if (not_an_address) SSL_set_tlsext_host_name(stream->native_handle(), host.c_str());
    if (verify) stream->set_verify_callback(asio::ssl::host_name_verification(host));
    boost::system::error_code hec;
    bool expired = false;
    {
        const Watchdog watchdog = closing_on_expiry(executor, timeout, *stream);
        std::tie(hec) = co_await stream->async_handshake(asio::ssl::stream_base::client, kTuple);
        expired = watchdog.fired();
    }
    if (hec) {
        error = expired ? "the TLS handshake took longer than --upstream-timeout" : "TLS: " + hec.message();
        co_return std::nullopt;
    }
    co_return std::optional<UpstreamConnection>(UpstreamConnection(std::move(stream)));
}

}  // namespace

asio::awaitable<std::optional<UpstreamConnection>> UpstreamPool::connect(const Upstream& to,
                                                                         std::chrono::milliseconds timeout,
                                                                         asio::ssl::context& tls, bool verify,
                                                                         bool fresh, std::string& error) {
    if (!fresh) {
        if (auto reused = take_idle(to)) co_return reused;
    }
    const auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    tcp::socket socket(executor);
    const std::string host = to.host, port = std::to_string(to.port);
    boost::system::error_code rec, cec;
    tcp::resolver::results_type endpoints;
    bool expired = false;
    {
        const Watchdog watchdog(executor, timeout, [&resolver] { resolver.cancel(); });
        std::tie(rec, endpoints) = co_await resolver.async_resolve(host, port, kTuple);
        expired = watchdog.fired();
    }
    if (rec) {
        error = expired ? "resolving " + host + " took longer than --upstream-timeout"
                        : "cannot resolve " + host + ": " + rec.message();
        co_return std::nullopt;
    }
    {
        const Watchdog watchdog = closing_on_expiry(executor, timeout, socket);
        std::tie(cec, std::ignore) = co_await asio::async_connect(socket, endpoints, kTuple);
        expired = watchdog.fired();
    }
    if (cec) {
        error = expired ? "connecting took longer than --upstream-timeout" : "cannot connect: " + cec.message();
        co_return std::nullopt;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!to.tls) co_return std::optional<UpstreamConnection>(UpstreamConnection(std::move(socket)));
    co_return co_await secure(std::move(socket), host, tls, verify, timeout, error);
}

void UpstreamPool::give_back(const Upstream& to, UpstreamConnection connection) {
    auto& idle = idle_here()[key_of(to)];
    if (idle.size() < kMaxIdle) idle.push_back(std::move(connection));
}

}  // namespace gh::proxy
