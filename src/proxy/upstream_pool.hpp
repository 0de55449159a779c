#pragma once
// Keep-alive connections to upstreams, per I/O thread: a proxied request takes an idle one that is still open,
// or connects anew (with TLS for an https:// upstream); a connection whose answer was read to the end goes back
// for the next request. No lock: each thread's connections belong to its own event loop.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "proxy/config.hpp"

namespace gh::proxy {

// One connection to an upstream: plain TCP, or TLS over it.
class UpstreamConnection {
public:
    explicit UpstreamConnection(boost::asio::ip::tcp::socket plain) : plain_(std::move(plain)) {}
    explicit UpstreamConnection(std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls)
        : tls_(std::move(tls)) {}

    bool tls() const { return tls_ != nullptr; }
    boost::asio::ip::tcp::socket& plain() { return *plain_; }
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& tls_stream() { return *tls_; }
    // The TCP socket underneath, to close it (a timeout) or look at it.
    boost::asio::ip::tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
    // Taken from the idle pool: it served a request before, and the upstream may close it at any moment.
    bool reused() const { return reused_; }
    void mark_reused() { reused_ = true; }

private:
    bool reused_ = false;
    std::optional<boost::asio::ip::tcp::socket> plain_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
};

class UpstreamPool {
public:
    // Idle connections kept per upstream and thread; more are closed.
    static constexpr std::size_t kMaxIdle = 32;

    // An open connection to `to` on the caller's executor; nullopt, and `error` set, when it cannot be made within
    // `timeout`. `tls`: the client context for https:// upstreams. `fresh`: never an idle one.
    static boost::asio::awaitable<std::optional<UpstreamConnection>> connect(const Upstream& to,
                                                                             std::chrono::milliseconds timeout,
                                                                             boost::asio::ssl::context& tls,
                                                                             bool verify, bool fresh,
                                                                             std::string& error);
    static void give_back(const Upstream& to, UpstreamConnection connection);
};

}  // namespace gh::proxy
