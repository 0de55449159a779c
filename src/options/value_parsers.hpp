#pragma once
// Parsers for the value syntaxes oauth2-proxy accepts. Each returns nullopt on bad input; the caller
// names the flag in the error.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"

namespace gh::options {

// Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
std::optional<bool> parse_bool(std::string_view s);

// Go's time.ParseDuration: "168h", "1h30m", "1.5s", "250ms", "0".
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);

std::optional<std::int64_t> parse_integer(std::string_view s);

struct ListenAddress {
    std::string host;  // "0.0.0.0" when the flag gave only ":port"
    std::uint16_t port = 0;
};
// "0.0.0.0:4180", "127.0.0.1:4180", ":4180", "[::1]:4180", optionally prefixed with http:// or https://.
std::optional<ListenAddress> parse_listen_address(std::string_view s);

// 16, 24 or 32 bytes given raw, or base64 (standard or URL alphabet, padded or not) of that many bytes.
std::optional<crypto::Bytes> parse_cookie_secret(std::string_view s);

struct Url {
    std::string scheme;
    std::string host;  // without port
    std::uint16_t port = 0;
    std::string path;
};
// Absolute http(s) URL with a host.
std::optional<Url> parse_http_url(std::string_view s);

// pflag StringSlice semantics: a value may itself hold several comma-separated items.
void append_list_items(std::string_view value, std::vector<std::string>& out);

}  // namespace gh::options
