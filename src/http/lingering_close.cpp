#include "http/lingering_close.hpp"

#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/registration.hpp"
#include "http/tuple_token.hpp"

namespace gh::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Half-closes `socket`, then reads and drops what the client still sends until it closes its side, for a second at
// most. `reg` (null for a refused connection, which the sweeper does not know) is marked idle, so that a drain does
// not wait for it.
asio::awaitable<void> drain_then_close(Worker& w, tcp::socket& socket, Registration* reg) {
    // Closing a socket that holds bytes it has not read makes the kernel send RST instead of FIN, and RST may reach
    // the client before it has read what was last written to it (a GOAWAY, a refusal): hence the half-close first
    // ("lingering close", as nginx and Go's HTTP/2 server do; nginx bounds it by time alone too: a byte bound would
    // cut off a fast sender, such as nginx forwarding a refused upload, before it reads the answer). A client that had
    // already closed costs one read; a drain ends the wait (the connection is idle to it). The second is kept by a
    // timer of its own: the sweeper's tick may be seconds long.
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    if (reg) {
        reg->set_idle(true);
        reg->arm(std::chrono::seconds(2));  // the sweeper only backs the timer up
    }
    asio::steady_timer linger(socket.get_executor(), std::chrono::seconds(1));
    bool over = false;
    linger.async_wait([&socket, &over](const boost::system::error_code& tec) {
        if (tec) return;  // cancelled: the wait ended before the second did
        over = true;
        boost::system::error_code ignored;
        socket.cancel(ignored);
    });
    for (;;) {
        // Filled and dropped before anything else runs on this thread: one buffer serves every lingering socket.
        thread_local std::array<char, 16 * 1024> sink;
        socket.read_some(asio::buffer(sink), ec);
        if (ec == asio::error::would_block) {
            if (w.draining || over) break;
            std::tie(ec) = co_await socket.async_wait(tcp::socket::wait_read, kTuple);
            if (ec || over) break;
            continue;
        }
        if (ec) break;  // the client closed its side (or reset)
        // A client that sends without pause would keep this loop from ever waiting: the thread's other connections,
        // and the timer, get their turn after each read.
        co_await asio::post(socket.get_executor(), asio::use_awaitable);
        if (over) break;
    }
    linger.cancel();
    // The timer's handler refers to this frame: it must have run (cancelled) before the frame goes.
    if (!over) co_await asio::post(socket.get_executor(), asio::use_awaitable);
}

// Refused connections lingering now, over every worker.
std::atomic<std::size_t> lingering_refusals{0};

// Gives its place back however the coroutine ends (its frame is destroyed with the worker's io_context on shutdown).
struct LingeringRefusal {
    LingeringRefusal() = default;
    LingeringRefusal(const LingeringRefusal&) = delete;
    LingeringRefusal& operator=(const LingeringRefusal&) = delete;
    ~LingeringRefusal() { lingering_refusals.fetch_sub(1, std::memory_order_relaxed); }
};

asio::awaitable<void> linger_then_close(Worker& w, tcp::socket socket) {
    const LingeringRefusal place;
    co_await drain_then_close(w, socket, nullptr);
}

}  // namespace

asio::awaitable<void> close_lingering(Worker& w, tcp::socket& socket, Registration& reg) {
    co_await drain_then_close(w, socket, &reg);
}

bool linger_refused(Worker& w, tcp::socket& socket) {
    // A refusal is a burst's business (a flood of connections past the cap): the places are shared by every worker,
    // so that the descriptors held past the cap stay kMaxLingeringRefusals whatever the number of workers.
    if (lingering_refusals.fetch_add(1, std::memory_order_relaxed) >= kMaxLingeringRefusals) {
        lingering_refusals.fetch_sub(1, std::memory_order_relaxed);
        return false;
    }
    asio::co_spawn(w.io, linger_then_close(w, std::move(socket)), asio::detached);
    return true;
}

}  // namespace gh::http
