#pragma once
// HTTP dates (RFC 9110 §5.6.7, the IMF-fixdate form): cookies' Expires, Last-Modified, If-Modified-Since, Date.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gh::text {

std::string format_http_date(std::int64_t unix_seconds);
// Only the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT"), the one senders must use; nullopt otherwise.
std::optional<std::int64_t> parse_http_date(std::string_view date);

}  // namespace gh::text
