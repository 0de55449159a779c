#pragma once
// One I/O thread: its io_context, its acceptors and the connections it serves. Internal to http/.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <list>
#include <memory>

#include "http/coarse_clock.hpp"
#include "http/h2.hpp"
#include "http/request_scratch.hpp"
#include "http/server.hpp"

namespace gh::http {

// How a connection that is not simply closed ends (HTTP/2 says GOAWAY first); called on the worker's thread.
class ConnectionEnding {
public:
    // SIGTERM: stop taking new requests, finish those in flight, then close.
    virtual void drain() = 0;
    // Its deadline passed (worker.hpp's sweeper).
    virtual void expire() = 0;

protected:
    ~ConnectionEnding() = default;
};

class Worker {
public:
    Worker(const Limits& limits, const Handler& handler, const ErrorWriter& on_error, const ProxyTrust& trust,
           std::atomic<std::size_t>& open_connections, std::atomic<std::size_t>& open_h2_connections,
           boost::asio::ssl::context* tls)
        : scratch_pool(limits.max_head_bytes() + 4096, kMaxFreeScratches, kMaxWaitingWithScratch),
          limits(limits),
          handler(handler),
          on_error(on_error),
          trust(trust),
          open_connections(open_connections),
          open_h2_connections(open_h2_connections),
          tls(tls) {}

    // Scratches kept for reuse: more than the requests one thread has in progress at once under load.
    static constexpr std::size_t kMaxFreeScratches = 128;
    // Keep-alive connections that wait for their next request with a scratch (~13 KB each): as many as a busy
    // proxy keeps open to one thread, and no more than ~1.7 MB.
    static constexpr std::size_t kMaxWaitingWithScratch = 128;

    using Clock = CoarseClock;

    // A connection's entry in the registry: a drain wakes the idle ones, and the sweeper closes those
    // whose deadline passed. One periodic timer per worker replaces a timer per connection and operation,
    // which would cost a timer-queue insert and cancel on every read and write of the hot path.
    struct Connection {
        boost::asio::ip::tcp::socket* socket = nullptr;
        bool idle = false;
        bool timed_out = false;
        Clock::time_point deadline = Clock::time_point::max();
        ConnectionEnding* ending = nullptr;  // null: a drain or a timeout closes the socket
    };

    void listen(const Listener& l);
    void start_accepting();
    // Closes connections past their deadline, every `tick`; ends once drained and no connection is left.
    void start_sweeper(std::chrono::milliseconds tick);
    // Runs on this worker's thread: close the acceptors, close idle keep-alive connections; busy ones
    // close after their current response.
    void drain();

    // Lent to a connection while it reads and answers a request. Declared before `io`: destroying `io` ends the
    // connections' coroutines, whose leases give their scratch back to it.
    ScratchPool scratch_pool;

    // Only this worker's thread touches its sockets (drains are posted to it), so the reactor can skip its
    // per-descriptor locks; the scheduler keeps its lock because other threads post to it.
    boost::asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
    const Limits& limits;
    const Handler& handler;
    const ErrorWriter& on_error;
    const ProxyTrust& trust;
    std::atomic<std::size_t>& open_connections;  // over all workers, for Limits::max_connections
    // The HTTP/2-only listeners' connections (the gRPC port), held to the same cap apart from HTTP's: a flood on
    // one port must not lock Envoy, or browsers, out of the other.
    std::atomic<std::size_t>& open_h2_connections;
    boost::asio::ssl::context* tls;
    bool draining = false;
    std::list<Connection> connections;
    // Woken early when a drain leaves nothing to sweep, so shutdown does not wait for a tick.
    boost::asio::steady_timer sweep_timer{io};

    // Called when a connection ends.
    void connection_closed() {
        if (draining && connections.empty()) sweep_timer.cancel();
    }

private:
    struct Acceptor {
        boost::asio::ip::tcp::acceptor acceptor;
        const Listener* listener;
        boost::asio::ssl::context* tls;  // the listener's own, or the server's; null for plain
        const Handler* handler;          // the listener's own, or the server's
    };
    // Counts the new connection; false (and the socket answered 503, or GOAWAY on an HTTP/2 port, and closed) past
    // max_connections.
    bool admit(boost::asio::ip::tcp::socket& socket, const Acceptor& acceptor);

    std::vector<std::unique_ptr<Acceptor>> acceptors_;
};

// Serves one accepted connection until it closes (connection.cpp): HTTP/1.1, HTTP/2 or either, as the listener
// says; it was counted in open_connections (or open_h2_connections for an HTTP/2-only listener).
void spawn_connection(Worker& worker, boost::asio::ip::tcp::socket socket, const Listener& listener,
                      boost::asio::ssl::context* tls, const Handler& handler);

class Registration;
// Serves an HTTP/2 connection whose client preface is still unread (h2_connection.cpp), registered as `reg`.
boost::asio::awaitable<void> serve_h2(Worker& w, boost::asio::ip::tcp::socket& socket, Registration& reg,
                                      const Listener& listener);
boost::asio::awaitable<void> serve_h2(Worker& w, boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream,
                                      Registration& reg, const Listener& listener);

}  // namespace gh::http
