#pragma once
// Where a Redis server is and how to log in to it, from oauth2-proxy's URL forms:
// redis://[[user]:password@]host[:port][/db] and rediss:// (TLS).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gh::redis {

struct Endpoint {
    std::string host;
    std::uint16_t port = 6379;
    bool tls = false;
    std::string username;  // Redis 6 ACL user; empty: the default user
    std::string password;  // empty: no AUTH
    int db = 0;

    std::string address() const;  // host:port, IPv6 in brackets, for logs and cluster node names
};

// nullopt and `error` set when `url` is not a Redis URL. The password is never part of `error`.
std::optional<Endpoint> parse_endpoint(std::string_view url, std::string& error);

}  // namespace gh::redis
