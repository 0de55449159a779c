#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "observe/log_lines.hpp"
#include <thread>

#include <sys/resource.h>

#include "http/lingering_close.hpp"
#include "http/worker.hpp"

namespace gh::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void Worker::listen(const Listener& l) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(l.host, ec);
    if (ec) throw std::runtime_error("cannot listen on " + l.host + ":" + std::to_string(l.port) + ": bad address");
    const tcp::endpoint endpoint(address, l.port);
    asio::ssl::context* context = l.tls ? (l.tls_context ? l.tls_context.get() : tls) : nullptr;
    auto a = std::make_unique<Acceptor>(Acceptor{tcp::acceptor(io), &l, context, l.handler ? &l.handler : &handler});
    a->acceptor.open(endpoint.protocol());
    a->acceptor.set_option(asio::socket_base::reuse_address(true));
    // Every worker binds the same port; the kernel spreads new connections across them.
    int one = 1;
    ::setsockopt(a->acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    a->acceptor.bind(endpoint, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + l.host + ":" + std::to_string(l.port) + ": " + ec.message());
    a->acceptor.listen(asio::socket_base::max_listen_connections);
    acceptors_.push_back(std::move(a));
}

void Worker::start_accepting() {
    for (auto& a : acceptors_) {
        asio::co_spawn(
            io,
            [this, acc = a.get()]() -> asio::awaitable<void> {
                while (!draining) {
                    auto [ec, socket] = co_await acc->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
                    if (ec == asio::error::operation_aborted || !acc->acceptor.is_open()) break;
                    if (ec) {
                        // Out of descriptors and the like: back off briefly instead of spinning.
                        spdlog::warn("accept failed: {}", ec.message());
                        asio::steady_timer t(io, std::chrono::milliseconds(50));
                        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
                        continue;
                    }
                    if (!admit(socket, *acc)) continue;
                    socket.set_option(tcp::no_delay(true), ec);
                    spawn_connection(*this, std::move(socket), *acc->listener, acc->tls, *acc->handler);
                }
            },
            asio::detached);
    }
}

bool Worker::admit(tcp::socket& socket, const Acceptor& acceptor) {
    const bool h2_only = acceptor.listener->protocol == Protocol::h2;
    auto& counted = h2_only ? open_h2_connections : open_connections;
    if (counted.fetch_add(1, std::memory_order_relaxed) < limits.max_connections) return true;
    counted.fetch_sub(1, std::memory_order_relaxed);
    // A clear answer rather than a silent reset; the send buffer of a new socket is empty, so this
    // non-blocking write completes at once or not at all. An HTTP/2 client is told in its own terms: the server's
    // SETTINGS, then GOAWAY (last stream 0, REFUSED_STREAM, RFC 9113 §6.8), which gRPC clients report as
    // UNAVAILABLE and retry. Over TLS nothing can be said before the handshake: the socket just closes.
    static constexpr std::string_view kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    static constexpr unsigned char kGoAway[] = {0, 0, 0, 4, 0, 0, 0, 0, 0,                 // SETTINGS, empty
                                                0, 0, 8, 7, 0, 0, 0, 0, 0,                 // GOAWAY, 8 bytes
                                                0, 0, 0, 0, 0, 0, 0, 7};                   // stream 0, REFUSED_STREAM
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    // Answered, the socket is closed the lingering way when it can be: closed at once while it still held the bytes
    // of a client sending a body, it was reset, and the client met EPIPE before it read the answer (D25-F3).
    bool lingers = false;
    if (!acceptor.tls) {
        socket.write_some(h2_only ? asio::buffer(kGoAway) : asio::buffer(kBusy), ec);
        lingers = !ec && linger_refused(*this, socket);
    }
    if (!lingers) socket.close(ec);
    // One line a second at most over the process (every worker refuses alike: a clock per worker logged a line a
    // second per I/O thread, D33-F2), telling how many were refused without a line since the last one.
    constexpr auto kSecond = std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)).count();
    static std::atomic<Clock::rep> last_logged{std::numeric_limits<Clock::rep>::min() / 2};  // long ago
    static std::atomic<std::uint64_t> not_logged{0};
    const auto now = Clock::now().time_since_epoch().count();
    auto last = last_logged.load(std::memory_order_relaxed);
    if (now - last < kSecond || !last_logged.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
        not_logged.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    const auto unlogged = not_logged.exchange(0, std::memory_order_relaxed);
    const std::string since = unlogged == 0 ? std::string() : fmt::format("; {} more since the last line", unlogged);
    const std::string_view how = acceptor.tls ? "closed" : h2_only ? "answered GOAWAY" : "answered 503";
    const std::string_view at_once = lingers || acceptor.tls ? "" : ", closed at once";
    if (h2_only)
        spdlog::warn("refused a {} connection: --max-connections={} reached ({}{}{})",
                     acceptor.listener->h2->protocol_name(), limits.max_connections, how, at_once, since);
    else
        spdlog::warn("refused a connection: --max-connections={} reached ({}{}{})", limits.max_connections, how,
                     at_once, since);
    return false;
}

void Worker::start_sweeper(std::chrono::milliseconds tick) {
    asio::co_spawn(
        io,
        [this, tick]() -> asio::awaitable<void> {
            while (!(draining && connections.empty())) {
                sweep_timer.expires_after(tick);
                co_await sweep_timer.async_wait(asio::as_tuple(asio::use_awaitable));
                const auto now = Clock::now();
                for (auto it = connections.begin(); it != connections.end();) {
                    auto& c = *it++;  // an ending may remove its own entry, never another
                    if (c.deadline > now || c.timed_out) continue;
                    c.timed_out = true;
                    if (c.ending) {
                        c.ending->expire();
                        continue;
                    }
                    boost::system::error_code ec;
                    c.socket->close(ec);  // completes the pending read or write with an error
                }
            }
            // Drained: no request is left. Clients that live on this thread (Redis connections) would keep
            // run() going forever, so stop it here.
            io.stop();
        },
        asio::detached);
}

std::vector<asio::any_io_executor> Server::executors() const {
    std::vector<asio::any_io_executor> out;
    for (const auto& w : workers_) out.push_back(w->io.get_executor());
    return out;
}

void Worker::drain() {
    draining = true;
    boost::system::error_code ec;
    for (auto& a : acceptors_) a->acceptor.close(ec);
    for (auto it = connections.begin(); it != connections.end();) {
        auto& c = *it++;
        if (c.ending) c.ending->drain();
        else if (c.idle && c.socket) c.socket->cancel(ec);
    }
    connection_closed();
}

namespace {

// The server's ALPN choice: the first of its protocols the client offers; none offered in common, no ALPN
// answer (the client then decides whether to go on). `arg` is the list, in wire format, owned by the context.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void* arg) {
    const auto& ours = *static_cast<const std::string*>(arg);
    for (std::size_t i = 0; i < ours.size(); i += 1 + static_cast<unsigned char>(ours[i])) {
        const auto len = static_cast<unsigned char>(ours[i]);
        for (unsigned int j = 0; j < inlen; j += 1u + in[j]) {
            if (in[j] == len && j + 1 + len <= inlen && std::memcmp(in + j + 1, ours.data() + i + 1, len) == 0) {
                *out = in + j + 1;
                *outlen = len;
                return SSL_TLSEXT_ERR_OK;
            }
        }
    }
    return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> load_server_tls(const TlsFiles& files, std::vector<std::string> protocols) {
    auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    tls->use_certificate_chain_file(files.cert_file, ec);
    if (ec)
        return failure(ErrorCode::unreadable_file,
                       "--tls-cert-file: cannot load " + files.cert_file + ": " + ec.message());
    tls->use_private_key_file(files.key_file, asio::ssl::context::pem, ec);
    if (ec)
        return failure(ErrorCode::unreadable_file,
                       "--tls-key-file: cannot load " + files.key_file + ": " + ec.message());
    if (!protocols.empty()) {
        // The wire list lives as long as the context: a shared_ptr with the context's own deleter keeps both.
        auto wire = std::make_shared<std::string>();
        for (const auto& p : protocols) wire->append(1, static_cast<char>(p.size())).append(p);
        SSL_CTX_set_alpn_select_cb(tls->native_handle(), select_alpn, wire.get());
        return std::shared_ptr<asio::ssl::context>(tls.get(), [tls, wire](asio::ssl::context*) mutable {
            tls.reset();
            wire.reset();
        });
    }
    return tls;
}

Server::Server(std::vector<Listener> listeners, std::shared_ptr<asio::ssl::context> tls, Limits limits, int threads,
               Handler handler)
    : listeners_(std::move(listeners)), tls_(std::move(tls)), limits_(limits), handler_(std::move(handler)) {
    if (!tls_ && std::any_of(listeners_.begin(), listeners_.end(), [](const Listener& l) { return l.tls; }))
        throw std::logic_error("an https listener without load_server_tls()'s context");  // a bug, not a setting
    for (int i = 0; i < threads; ++i) workers_.push_back(
            std::make_unique<Worker>(limits_, handler_, on_error_, trust_, open_connections_, open_h2_connections_,
                                     tls_.get()));
}

Server::~Server() = default;

// Each connection is a descriptor: lift the soft limit to the hard one, and say so when --max-connections
// still does not fit (the kernel, not Gatehouse, would then refuse connections, without an answer).
static void raise_descriptor_limit(std::size_t max_connections) {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
        ::getrlimit(RLIMIT_NOFILE, &lim);
    }
    // Listeners, IdP and Redis clients, files, and refused connections lingering (lingering_close.hpp).
    constexpr std::size_t kReserve = 256 + kMaxLingeringRefusals;
    if (lim.rlim_cur != RLIM_INFINITY && max_connections + kReserve > lim.rlim_cur)
        spdlog::warn("--max-connections={} does not fit the open-file limit {} (ulimit -n); raise the limit or "
                     "lower the flag", max_connections, static_cast<std::size_t>(lim.rlim_cur));
}

Result<H2Placement> Server::add_h2_listener(Listener l) {
    const auto same_address = [&](const Listener& other) {
        boost::system::error_code a, b;
        return other.port == l.port && asio::ip::make_address(other.host, a) == asio::ip::make_address(l.host, b);
    };
    const auto it = std::find_if(listeners_.begin(), listeners_.end(), same_address);
    if (it == listeners_.end()) {
        listeners_.push_back(std::move(l));
        return H2Placement::own;
    }
    if (it->tls || l.tls || it->handler || it->protocol != Protocol::http1)
        return failure(ErrorCode::invalid_value, "the address of another listener that cannot also serve it (only a "
                                                 "plain --http-address can, without --grpc-tls)");
    it->protocol = Protocol::http1_and_h2;
    it->h2 = std::move(l.h2);
    it->h2_limits = l.h2_limits;
    return H2Placement::shared;
}

void Server::bind() {
    raise_descriptor_limit(limits_.max_connections);
    for (auto& w : workers_)
        for (const auto& l : listeners_) w->listen(l);
}

void Server::run_until_signalled() {
    // The sweeper's tick bounds how late a timeout fires; a quarter of the shortest one keeps it within 25%.
    const auto shortest = std::min(limits_.header_read_timeout, limits_.idle_timeout);
    const auto tick = std::clamp(shortest / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    // The signal handler is in place before the first request is served: a SIGTERM that follows an answer
    // must drain, never kill.
    asio::io_context control;
    asio::signal_set signals(control, SIGTERM, SIGINT);
    asio::steady_timer deadline(control);
    for (auto& w : workers_) {
        w->start_accepting();
        w->start_sweeper(tick);
    }
    std::vector<std::thread> threads;
    for (auto& w : workers_)
        threads.emplace_back([&w] {
            const observe::GatherLogLines batch_log_lines(w->io);
            w->io.run();
        });

    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("received signal {}, draining (up to {} ms)", signal, limits_.shutdown_timeout.count());
        if (on_signal_) on_signal_();
        for (auto& w : workers_) asio::post(w->io, [&w] { w->drain(); });
        deadline.expires_after(limits_.shutdown_timeout);
        deadline.async_wait([&](const boost::system::error_code& e) {
            if (e) return;
            spdlog::warn("shutdown timeout reached; closing the remaining connections");
            for (auto& w : workers_) w->io.stop();
        });
    });
    // Each worker's run() returns once its acceptors and connections are gone.
    std::thread control_thread([&] { control.run(); });
    for (auto& t : threads) t.join();
    control.stop();
    control_thread.join();
    spdlog::info("stopped");
}

}  // namespace gh::http
