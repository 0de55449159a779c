// The Redis connection against a real redis-server: pipelining, timeouts, reconnects, AUTH and SELECT.
#include "redis/connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/single_client.hpp"
#include "redis_server.hpp"

using namespace gh;
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

redis::ConnectionOptions options_for(const test::RedisServer& server, milliseconds timeout = milliseconds(1000)) {
    redis::ConnectionOptions o;
    std::string why;
    o.endpoint = *redis::parse_endpoint(server.url(), why);
    o.timeout = timeout;
    return o;
}

// Takes the arguments by value into the coroutine frame (GCC 12 mishandles braced lists in co_await calls).
asio::awaitable<redis::Result> run_args(redis::Connection& c, std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    co_return co_await c.execute(views);
}

template <class... A>
asio::awaitable<redis::Result> run(redis::Connection& c, const A&... a) {
    return run_args(c, std::vector<std::string>{std::string(a)...});
}

asio::awaitable<void> sleep_for(milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

TEST(RedisConnection, ManyConcurrentCommandsShareOnePipelinedConnection) {
    test::RedisServer server;
    asio::io_context io;
    redis::Connection c(io.get_executor(), options_for(server));
    constexpr int kCount = 2000;
    int done = 0, correct = 0;
    for (int i = 0; i < kCount; ++i)
        asio::co_spawn(io, [&, i]() -> asio::awaitable<void> {
            const std::string key = "k" + std::to_string(i), value = "v" + std::to_string(i);
            const auto set = co_await run(c, "SET", key, value);
            const auto get = co_await run(c, "GET", key);
            if (set.ok() && get.ok() && get.reply.text == value) ++correct;
            ++done;
        }, asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (done < kCount && std::chrono::steady_clock::now() < deadline) io.run_for(milliseconds(5));
    EXPECT_EQ(correct, kCount);
    // All of it went through one connection.
    const auto clients = test::run_on(io, run(c, "CLIENT", "LIST"));
    EXPECT_EQ(std::count(clients.reply.text.begin(), clients.reply.text.end(), '\n'), 1);
}

TEST(RedisConnection, AStoppedServerFailsCommandsWithinTheTimeoutAndServiceResumes) {
    test::RedisServer server;
    asio::io_context io;
    redis::Connection c(io.get_executor(), options_for(server, milliseconds(300)));
    ASSERT_TRUE(test::run_on(io, run(c, "PING")).ok());

    server.pause();
    const auto started = std::chrono::steady_clock::now();
    const auto stalled = test::run_on(io, run(c, "PING"));
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(stalled.ok());
    EXPECT_NE(stalled.failure.find("no reply within 300 ms"), std::string::npos) << stalled.failure;
    EXPECT_LT(waited, milliseconds(600));

    server.resume();
    const auto resumed_at = std::chrono::steady_clock::now();
    redis::Result r;
    while (std::chrono::steady_clock::now() - resumed_at < std::chrono::seconds(3)) {
        r = test::run_on(io, run(c, "PING"));
        if (r.ok()) break;
    }
    EXPECT_TRUE(r.ok()) << r.failure;
    EXPECT_LT(std::chrono::steady_clock::now() - resumed_at, std::chrono::seconds(1));
}

TEST(RedisConnection, ReconnectsWhenTheServerRestarts) {
    test::RedisServer server;
    asio::io_context io;
    redis::Connection c(io.get_executor(), options_for(server, milliseconds(500)));
    ASSERT_TRUE(test::run_on(io, run(c, "SET", "a", "1")).ok());
    server.stop();
    const auto down = test::run_on(io, run(c, "GET", "a"));
    EXPECT_FALSE(down.ok());
    server.start();
    const auto restarted_at = std::chrono::steady_clock::now();
    redis::Result r;
    while (std::chrono::steady_clock::now() - restarted_at < std::chrono::seconds(3)) {
        r = test::run_on(io, run(c, "PING"));
        if (r.ok()) break;
    }
    EXPECT_TRUE(r.ok()) << r.failure;
    EXPECT_LT(std::chrono::steady_clock::now() - restarted_at, std::chrono::seconds(1));
}

TEST(RedisConnection, AuthenticatesAndSelectsTheDatabase) {
    test::RedisServer server({"--requirepass", "s3cret"});
    asio::io_context io;
    auto wrong = options_for(server, milliseconds(300));
    wrong.endpoint.password = "nope";
    redis::Connection refused(io.get_executor(), wrong);
    const auto r = test::run_on(io, run(refused, "PING"));
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.failure.find("WRONGPASS"), std::string::npos) << r.failure;
    EXPECT_EQ(r.failure.find("nope"), std::string::npos);

    auto right = options_for(server);
    right.endpoint.password = "s3cret";
    right.endpoint.db = 5;
    redis::Connection c(io.get_executor(), right);
    ASSERT_TRUE(test::run_on(io, run(c, "SET", "where", "db5")).ok());
    auto db0 = options_for(server);
    db0.endpoint.password = "s3cret";
    redis::Connection other(io.get_executor(), db0);
    EXPECT_TRUE(test::run_on(io, run(other, "GET", "where")).reply.is_nil());
    EXPECT_EQ(test::run_on(io, run(other, "SELECT", "5")).reply.text, "OK");
    EXPECT_EQ(test::run_on(io, run(other, "GET", "where")).reply.text, "db5");
}

TEST(RedisConnection, UnreachableServerFailsFastAfterTheTimeout) {
    const int port = test::free_port();  // nobody listens
    asio::io_context io;
    redis::ConnectionOptions o;
    o.endpoint.host = "127.0.0.1";
    o.endpoint.port = static_cast<std::uint16_t>(port);
    o.timeout = milliseconds(200);
    redis::Connection c(io.get_executor(), o);
    const auto started = std::chrono::steady_clock::now();
    const auto r = test::run_on(io, run(c, "PING"));
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.failure.find("unavailable"), std::string::npos) << r.failure;
    EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(500));
}

TEST(RedisConnection, IdleConnectionsAreKeptAliveWithPing) {
    // Redis's own `timeout` closes connections idle for 1 s; a PING every 300 ms keeps ours open.
    test::RedisServer server({"--timeout", "1"});
    asio::io_context io;
    auto o = options_for(server);
    o.idle_timeout = milliseconds(300);
    redis::Connection c(io.get_executor(), o);
    const auto id_before = test::run_on(io, run(c, "CLIENT", "ID")).reply.integer;
    test::run_on(io, [&]() -> asio::awaitable<int> {
        co_await sleep_for(milliseconds(2500));
        co_return 0;
    }());
    EXPECT_EQ(test::run_on(io, run(c, "CLIENT", "ID")).reply.integer, id_before);
}
