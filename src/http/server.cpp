#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <algorithm>
#include <stdexcept>

#include "observe/log_lines.hpp"
#include <thread>

#include <sys/resource.h>

#include "http/worker.hpp"

namespace gh::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

void Worker::listen(const Listener& l) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(l.host, ec);
    if (ec) throw std::runtime_error("cannot listen on " + l.host + ":" + std::to_string(l.port) + ": bad address");
    const tcp::endpoint endpoint(address, l.port);
    auto a = std::make_unique<Acceptor>(Acceptor{tcp::acceptor(io), l.tls, l.handler ? &l.handler : &handler});
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
                    if (!admit(socket)) continue;
                    socket.set_option(tcp::no_delay(true), ec);
                    spawn_connection(*this, std::move(socket), acc->tls, *acc->handler);
                }
            },
            asio::detached);
    }
}

bool Worker::admit(tcp::socket& socket) {
    if (open_connections.fetch_add(1, std::memory_order_relaxed) < limits.max_connections) return true;
    open_connections.fetch_sub(1, std::memory_order_relaxed);
    // A clear answer rather than a silent reset; the send buffer of a new socket is empty, so this
    // non-blocking write completes at once or not at all.
    static constexpr std::string_view kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(kBusy), ec);
    socket.close(ec);
    // One line a second at most: a flood must not turn into a flood of log lines.
    if (const auto now = Clock::now(); now - last_refusal_log_ >= std::chrono::seconds(1)) {
        last_refusal_log_ = now;
        spdlog::warn("refused a connection: --max-connections={} reached (answered 503)", limits.max_connections);
    }
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
                for (auto& c : connections) {
                    if (c.deadline > now || c.timed_out) continue;
                    c.timed_out = true;
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
    for (auto& c : connections)
        if (c.idle && c.socket) c.socket->cancel(ec);
    connection_closed();
}

Result<std::shared_ptr<asio::ssl::context>> load_server_tls(const TlsFiles& files) {
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
    return tls;
}

Server::Server(std::vector<Listener> listeners, std::shared_ptr<asio::ssl::context> tls, Limits limits, int threads,
               Handler handler)
    : listeners_(std::move(listeners)), tls_(std::move(tls)), limits_(limits), handler_(std::move(handler)) {
    if (!tls_ && std::any_of(listeners_.begin(), listeners_.end(), [](const Listener& l) { return l.tls; }))
        throw std::logic_error("an https listener without load_server_tls()'s context");  // a bug, not a setting
    for (int i = 0; i < threads; ++i) workers_.push_back(
            std::make_unique<Worker>(limits_, handler_, on_error_, trust_, open_connections_, tls_.get()));
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
    constexpr std::size_t kReserve = 256;  // listeners, IdP and Redis clients, gRPC, files
    if (lim.rlim_cur != RLIM_INFINITY && max_connections + kReserve > lim.rlim_cur)
        spdlog::warn("--max-connections={} does not fit the open-file limit {} (ulimit -n); raise the limit or "
                     "lower the flag", max_connections, static_cast<std::size_t>(lim.rlim_cur));
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
