#include "redis/connection.hpp"

#include <atomic>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>

#include "redis/resp.hpp"

namespace gh::redis {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Reconnect backoff: doubling from the first step up to the cap. The cap bounds how long after Redis
// returns the first request succeeds again (the issue asks for under a second).
constexpr std::chrono::milliseconds kFirstBackoff{20};
constexpr std::chrono::milliseconds kMaxBackoff{200};
// While Redis stays down, say so again at most this often.
constexpr std::chrono::seconds kQuietLogInterval{10};

// A coroutine waiting for the replies to the commands it sent.
struct Waiter {
    asio::steady_timer wake;  // cancelled when the last reply (or failure) arrived
    std::vector<Result>* results;
    std::size_t remaining;
};

struct Pending {
    Waiter* waiter;  // null for the connection's own keep-alive PING
    std::size_t index;
    std::size_t bytes;  // its length in the outbox, to drop it from there when it expires unsent
    SteadyClock::time_point deadline;
};

// One TCP (or TLS) connection. Its reader and writer coroutines share it, so the stream outlives any
// operation still running on it after the connection failed.
struct Link {
    Link(const asio::any_io_executor& ex, asio::ssl::context* tls_context)
        : resolver(ex), writer_wake(ex, SteadyClock::time_point::max()) {
        if (tls_context)
            tls.emplace(ex, *tls_context);
        else
            plain.emplace(ex);
    }

    tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }

    void close() {
        open = false;
        boost::system::error_code ec;
        resolver.cancel();
        socket().close(ec);
        writer_wake.cancel();
    }

    asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write(const std::string& bytes) {
        if (tls) co_return co_await asio::async_write(*tls, asio::buffer(bytes), use_tuple);
        co_return co_await asio::async_write(*plain, asio::buffer(bytes), use_tuple);
    }

    asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> read_some() {
        if (tls) co_return co_await tls->async_read_some(asio::buffer(buffer), use_tuple);
        co_return co_await plain->async_read_some(asio::buffer(buffer), use_tuple);
    }

    tcp::resolver resolver;
    std::optional<tcp::socket> plain;
    std::optional<asio::ssl::stream<tcp::socket>> tls;
    asio::steady_timer writer_wake;  // cancelled when the outbox has something for this link
    ReplyReader reader;
    std::array<char, 16 * 1024> buffer{};
    std::string wire;  // the batch being written
    bool open = true;
    bool timed_out = false;  // the connect deadline closed it
};

void complete(const Pending& p, Result&& result) {
    if (!p.waiter) return;
    (*p.waiter->results)[p.index] = std::move(result);
    if (--p.waiter->remaining == 0) p.waiter->wake.cancel();
}

}  // namespace

struct Connection::State : std::enable_shared_from_this<State> {
    State(asio::any_io_executor ex, ConnectionOptions o)
        : executor(std::move(ex)),
          options(std::move(o)),
          address(options.endpoint.address()),
          link_down(executor),
          backoff_timer(executor),
          watchdog_timer(executor) {}

    asio::any_io_executor executor;
    ConnectionOptions options;
    std::string address;
    std::shared_ptr<Link> link;  // the connected link; null while (re)connecting
    // Mirrors `link != nullptr` for readers on other threads (/ready asks every thread's connections).
    std::atomic<bool> up{false};
    bool closed = false;
    std::string outbox;           // commands not yet handed to the link's writer
    std::deque<Pending> pending;  // every command still without its reply, oldest first
    asio::steady_timer link_down;  // wakes the supervisor when the link fails
    asio::steady_timer backoff_timer;
    asio::steady_timer watchdog_timer;
    std::string last_failure;
    SteadyClock::time_point last_sent = SteadyClock::now();
    bool failing = false;
    SteadyClock::time_point last_log{};

    void fail_all(const std::string& why) {
        std::deque<Pending> failed;
        failed.swap(pending);
        outbox.clear();
        for (const auto& p : failed) complete(p, Result{{}, why});
    }

    void link_failed(Link* l, const std::string& why) {
        if (!link || link.get() != l) return;
        link->close();
        link.reset();
        up.store(false, std::memory_order_release);
        if (!closed) spdlog::warn("{}: connection to {} lost: {}", options.name, address, why);
        last_failure = why;
        fail_all(options.name + " " + address + ": " + why);
        link_down.cancel();
    }

    bool deliver(Link* l, Reply&& reply) {
        if (link.get() != l) return false;
        if (pending.empty()) {
            link_failed(l, "a reply to no command");
            return false;
        }
        const Pending p = pending.front();
        pending.pop_front();
        complete(p, Result{std::move(reply), {}});
        return true;
    }

    void expire_unsent(SteadyClock::time_point now) {
        while (!pending.empty() && pending.front().deadline <= now) {
            const Pending p = pending.front();
            pending.pop_front();
            outbox.erase(0, p.bytes);
            complete(p, Result{{}, options.name + " " + address + " unavailable: " + last_failure});
        }
    }

    void note_failure(const std::string& why) {
        last_failure = why;
        const auto now = SteadyClock::now();
        if (!failing || now - last_log >= kQuietLogInterval) {
            spdlog::warn("{}: cannot connect to {}: {}; retrying", options.name, address, why);
            last_log = now;
        }
        failing = true;
    }

    void note_connected() {
        up.store(true, std::memory_order_release);
        if (failing)
            spdlog::info("{}: connected again to {}", options.name, address);
        else
            spdlog::info("{}: connected to {}", options.name, address);
        failing = false;
    }

    void close() {
        closed = true;
        if (link)
            link_failed(link.get(), "closed");
        else
            fail_all(options.name + ": closed");
        link_down.cancel();
        backoff_timer.cancel();
        watchdog_timer.cancel();
    }

    asio::awaitable<std::shared_ptr<Link>> connect(std::string& why);
    asio::awaitable<bool> handshake(Link& l, std::string& why);
};

namespace {

asio::awaitable<void> read_loop(std::shared_ptr<Connection::State> self, std::shared_ptr<Link> l) {
    Reply reply;
    for (;;) {
        for (;;) {
            const auto status = l->reader.next(reply);
            if (status == ReplyReader::Status::need_more) break;
            if (status == ReplyReader::Status::protocol_error) {
                self->link_failed(l.get(), "protocol error: " + l->reader.error());
                co_return;
            }
            if (!self->deliver(l.get(), std::move(reply))) co_return;
        }
        auto [ec, n] = co_await l->read_some();
        if (ec) {
            self->link_failed(l.get(), ec == asio::error::eof ? "closed by the server" : ec.message());
            co_return;
        }
        l->reader.feed(std::string_view(l->buffer.data(), n));
    }
}

asio::awaitable<void> write_loop(std::shared_ptr<Connection::State> self, std::shared_ptr<Link> l) {
    while (l->open) {
        if (self->outbox.empty() || self->link != l) {
            l->writer_wake.expires_at(SteadyClock::time_point::max());
            co_await l->writer_wake.async_wait(use_tuple);
            continue;
        }
        // Everything queued since the last write goes out in one batch; the two buffers trade places so
        // their capacity is reused.
        l->wire.clear();
        std::swap(l->wire, self->outbox);
        auto [ec, n] = co_await l->write(l->wire);
        if (ec) {
            self->link_failed(l.get(), ec.message());
            co_return;
        }
    }
}

asio::awaitable<void> supervise(std::shared_ptr<Connection::State> self) {
    auto backoff = kFirstBackoff;
    while (!self->closed) {
        std::string why;
        auto l = co_await self->connect(why);
        if (self->closed) {
            if (l) l->close();
            break;
        }
        if (!l) {
            self->note_failure(why);
            self->backoff_timer.expires_after(backoff);
            co_await self->backoff_timer.async_wait(use_tuple);
            backoff = std::min(backoff * 2, kMaxBackoff);
            continue;
        }
        backoff = kFirstBackoff;
        self->link = l;
        self->note_connected();
        asio::co_spawn(self->executor, read_loop(self, l), asio::detached);
        asio::co_spawn(self->executor, write_loop(self, l), asio::detached);
        while (self->link == l) {
            self->link_down.expires_at(SteadyClock::time_point::max());
            co_await self->link_down.async_wait(use_tuple);
        }
        // A server that accepts and drops at once must not make this a busy loop.
        if (!self->closed) {
            self->backoff_timer.expires_after(kFirstBackoff);
            co_await self->backoff_timer.async_wait(use_tuple);
        }
    }
}

// Fails commands past their deadline. A command that times out on a live link takes the link down with
// it: its reply may still come, and every later reply would then be matched to the wrong command.
asio::awaitable<void> watchdog(std::shared_ptr<Connection::State> self) {
    const auto tick = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(self->options.timeout / 4),
                                 std::chrono::milliseconds(5), std::chrono::milliseconds(250));
    while (!self->closed) {
        self->watchdog_timer.expires_after(tick);
        co_await self->watchdog_timer.async_wait(use_tuple);
        if (self->closed) break;
        const auto now = SteadyClock::now();
        const auto idle = self->options.idle_timeout;
        if (idle.count() > 0 && self->link && self->pending.empty() && now - self->last_sent >= idle) {
            const std::size_t before = self->outbox.size();
            append_command(self->outbox, {"PING"});
            self->pending.push_back({nullptr, 0, self->outbox.size() - before, now + self->options.timeout});
            self->last_sent = now;
            self->link->writer_wake.cancel();
        }
        if (self->pending.empty() || self->pending.front().deadline > now) continue;
        if (self->link)
            self->link_failed(self->link.get(),
                              "no reply within " + std::to_string(self->options.timeout.count()) + " ms");
        else
            self->expire_unsent(now);
    }
}

asio::awaitable<bool> read_replies(Link& l, std::size_t count, std::vector<Reply>& out, std::string& why) {
    while (out.size() < count) {
        Reply r;
        const auto status = l.reader.next(r);
        if (status == ReplyReader::Status::reply) {
            out.push_back(std::move(r));
            continue;
        }
        if (status == ReplyReader::Status::protocol_error) {
            why = "protocol error: " + l.reader.error();
            co_return false;
        }
        auto [ec, n] = co_await l.read_some();
        if (ec) {
            why = l.timed_out ? "timed out" : ec == asio::error::eof ? "closed by the server" : ec.message();
            co_return false;
        }
        l.reader.feed(std::string_view(l.buffer.data(), n));
    }
    co_return true;
}

}  // namespace

asio::awaitable<bool> Connection::State::handshake(Link& l, std::string& why) {
    const Endpoint& e = options.endpoint;
    std::string out;
    std::size_t expected = 0;
    if (!e.password.empty()) {
        if (e.username.empty())
            append_command(out, {"AUTH", e.password});
        else
            append_command(out, {"AUTH", e.username, e.password});
        ++expected;
    }
    const std::string db = std::to_string(e.db);
    if (e.db != 0) {
        append_command(out, {"SELECT", db});
        ++expected;
    }
    if (options.require_master) {
        append_command(out, {"ROLE"});
        ++expected;
    }
    if (expected == 0) co_return true;
    auto [ec, n] = co_await l.write(out);
    if (ec) {
        why = l.timed_out ? "timed out" : ec.message();
        co_return false;
    }
    std::vector<Reply> replies;
    if (!co_await read_replies(l, expected, replies, why)) co_return false;
    for (const auto& r : replies)
        if (r.is_error()) {
            why = r.text;  // Redis's own words ("WRONGPASS …"); they never contain the password
            co_return false;
        }
    if (options.require_master) {
        const Reply& role = replies.back();
        if (role.type != Reply::Type::array || role.elements.empty() || role.elements[0].text != "master") {
            why = "not a master (ROLE says " + (role.elements.empty() ? "nothing" : role.elements[0].text) + ")";
            co_return false;
        }
    }
    co_return true;
}

asio::awaitable<std::shared_ptr<Link>> Connection::State::connect(std::string& why) {
    Endpoint target = options.endpoint;
    if (options.locate) {
        auto where = co_await options.locate();
        if (!where) {
            why = "its address is not known yet";
            co_return nullptr;
        }
        target.host = where->host;
        target.port = where->port;
    }
    address = target.address();
    auto l = std::make_shared<Link>(executor, target.tls ? options.tls.get() : nullptr);
    // One deadline covers resolving, connecting, TLS and the handshake commands.
    asio::steady_timer deadline(executor);
    deadline.expires_after(options.timeout);
    deadline.async_wait([l](const boost::system::error_code& ec) {
        if (ec) return;
        l->timed_out = true;
        l->close();
    });
    auto [rec, endpoints] =
        co_await l->resolver.async_resolve(target.host, std::to_string(target.port), use_tuple);
    if (rec) {
        why = l->timed_out ? "timed out resolving " + target.host : "cannot resolve " + target.host + ": " + rec.message();
        co_return nullptr;
    }
    auto [cec, ep] = co_await asio::async_connect(l->socket(), endpoints, use_tuple);
    if (cec) {
        why = l->timed_out ? "connect timed out" : cec.message();
        co_return nullptr;
    }
    boost::system::error_code ignored;
    l->socket().set_option(tcp::no_delay(true), ignored);
    if (l->tls) {
        SSL_set_tlsext_host_name(l->tls->native_handle(), target.host.c_str());
        if (options.tls->native_handle() && SSL_CTX_get_verify_mode(options.tls->native_handle()) != SSL_VERIFY_NONE)
            l->tls->set_verify_callback(asio::ssl::host_name_verification(target.host));
        auto [hec] = co_await l->tls->async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (hec) {
            why = l->timed_out ? "TLS handshake timed out" : "TLS handshake failed: " + hec.message();
            co_return nullptr;
        }
    }
    if (!co_await handshake(*l, why)) co_return nullptr;
    deadline.cancel();
    if (l->timed_out) {
        why = "timed out";
        co_return nullptr;
    }
    co_return l;
}

Connection::Connection(asio::any_io_executor executor, ConnectionOptions options)
    : state_(std::make_shared<State>(std::move(executor), std::move(options))) {
    if (state_->options.endpoint.tls && !state_->options.tls)
        throw std::invalid_argument("a rediss:// connection needs a TLS context");
    asio::co_spawn(state_->executor, supervise(state_), asio::detached);
    asio::co_spawn(state_->executor, watchdog(state_), asio::detached);
}

Connection::~Connection() { state_->close(); }

bool Connection::connected() const { return state_->up.load(std::memory_order_acquire); }

std::string Connection::address() const { return state_->address; }

void Connection::reconnect(std::string_view why) {
    if (state_->link) state_->link_failed(state_->link.get(), std::string(why));
}

asio::awaitable<Result> Connection::execute(Command command) {
    const std::array<Command, 1> one{command};
    auto results = co_await execute_all(one);
    co_return std::move(results[0]);
}

asio::awaitable<std::vector<Result>> Connection::execute_all(std::span<const Command> commands) {
    auto self = state_;  // the connection may be destroyed while this waits; its state may not
    std::vector<Result> results(commands.size());
    if (self->closed || self->pending.size() + commands.size() > self->options.max_pending) {
        const std::string why = self->closed ? "closed" : "too many commands waiting";
        for (auto& r : results) r.failure = self->options.name + ": " + why;
        co_return results;
    }
    Waiter waiter{asio::steady_timer(self->executor, SteadyClock::time_point::max()), &results, commands.size()};
    self->last_sent = SteadyClock::now();
    const auto deadline = self->last_sent + self->options.timeout;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        const std::size_t before = self->outbox.size();
        append_command(self->outbox, commands[i]);
        self->pending.push_back({&waiter, i, self->outbox.size() - before, deadline});
    }
    if (self->link) self->link->writer_wake.cancel();
    while (waiter.remaining > 0) co_await waiter.wake.async_wait(use_tuple);
    co_return results;
}

}  // namespace gh::redis
