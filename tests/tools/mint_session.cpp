// gatehouse-mint-session --cookie-secret=S [--cookie-name=N] [--user=U] [--email=E] [--preferred-username=P]
//   [--groups=a,b] [--access-token=T] [--expires-in=SECONDS] [--group-padding=N]
//   [--redis-url=redis://host:port | --redis-cluster-url=redis://host:port] [--count=N]
// Prints the Cookie header value a browser holding that session would send. With a Redis URL the session
// is stored there (as --session-store-type=redis stores it) and the cookie holds its ticket; --count mints
// that many sessions, one Cookie header per line.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <map>

#include "options/value_parsers.hpp"
#include "redis/cluster_client.hpp"
#include "redis/single_client.hpp"
#include "clock/clock.hpp"
#include "session/cookie_session_store.hpp"
#include "session/redis_session_store.hpp"

namespace {

std::string cookie_header(const std::vector<std::string>& set_cookies) {
    std::string header;
    for (const auto& c : set_cookies) {
        if (!header.empty()) header += "; ";
        header += c.substr(0, c.find(';'));
    }
    return header;
}

// Stores `count` copies of `s` in Redis, each under its own ticket; prints their cookies.
int mint_in_redis(std::map<std::string, std::string>& args, gh::crypto::ByteView secret, const gh::session::Session& s,
                  std::int64_t now) {
    namespace asio = boost::asio;
    const bool cluster = args.count("redis-cluster-url") > 0;
    std::string why;
    const auto endpoint = gh::redis::parse_endpoint(cluster ? args["redis-cluster-url"] : args["redis-url"], why);
    if (!endpoint) {
        std::cerr << "redis URL " << why << "\n";
        return 2;
    }
    spdlog::set_level(spdlog::level::off);  // stdout carries the cookies only
    asio::io_context io;
    const auto factory = [&](asio::any_io_executor ex) -> std::unique_ptr<gh::redis::Client> {
        gh::redis::ConnectionOptions o;
        o.endpoint = *endpoint;
        o.timeout = std::chrono::seconds(5);
        if (cluster) return std::make_unique<gh::redis::ClusterClient>(ex, o, std::vector{*endpoint});
        return std::make_unique<gh::redis::SingleClient>(ex, o);
    };
    gh::session::RedisSessionStore store(secret, args["cookie-name"], {io.get_executor()}, factory, {});
    const int count = std::stoi(args.count("count") ? args["count"] : "1");
    int status = 0;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < count; ++i) {
            const gh::session::CookieJar none;
            const gh::session::CookieAttributes attrs;
            const auto saved = co_await store.create(s, none, attrs, now);
            if (!saved.ok()) {
                std::cerr << saved.error << "\n";
                status = 1;
                break;
            }
            std::cout << cookie_header(saved.set_cookies) << "\n";
        }
        io.stop();
    }, asio::detached);
    io.run();
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args{{"cookie-name", "_oauth2_proxy"},
                                            {"user", "test-user-id"},
                                            {"email", "user@example.com"},
                                            {"expires-in", "3600"}};
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        const auto eq = a.find('=');
        if (!a.starts_with("--") || eq == std::string::npos) {
            std::cerr << "usage: gatehouse-mint-session --cookie-secret=S [--name=value ...]\n";
            return 2;
        }
        args[a.substr(2, eq - 2)] = a.substr(eq + 1);
    }
    const auto secret = gh::options::parse_cookie_secret(args["cookie-secret"]);
    if (!secret) {
        std::cerr << "--cookie-secret: must be 16, 24 or 32 bytes, raw or base64\n";
        return 2;
    }
    const std::int64_t now = gh::SystemClock{}.now();
    gh::session::Session s;
    s.user = args["user"];
    s.email = args["email"];
    s.preferred_username = args["preferred-username"];
    gh::options::append_list_items(args["groups"], s.groups);
    // Inflates the session past 4 KB to exercise cookie chunking.
    for (int i = 0; i < std::stoi(args.count("group-padding") ? args["group-padding"] : "0"); ++i)
        s.groups.push_back("/padding/group-" + std::to_string(i));
    s.access_token = args["access-token"];
    s.id_token = args["id-token"];
    s.created_at = now;
    s.expires_at = now + std::stoll(args["expires-in"]);
    if (args.count("redis-url") || args.count("redis-cluster-url")) return mint_in_redis(args, *secret, s, now);
    const gh::session::CookieSessionStore store(*secret, args["cookie-name"]);
    std::cout << cookie_header(store.save(s, gh::session::CookieJar{}, gh::session::CookieAttributes{}, now)) << "\n";
    return 0;
}
