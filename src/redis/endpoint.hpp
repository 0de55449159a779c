#pragma once
// Where a Redis server is and how to log in to it, from oauth2-proxy's URL forms:
// redis://[[user]:password@]host[:port][/db] and rediss:// (TLS).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "result/result.hpp"

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

// The endpoint a redis:// or rediss:// URL names, or why it names none (the password never in the message).
Result<Endpoint> read_endpoint(std::string_view url);
// The same as an optional, `error` set when it fails (for tests).
std::optional<Endpoint> parse_endpoint(std::string_view url, std::string& error);

}  // namespace gh::redis
