#pragma once
// application/x-www-form-urlencoded, for query strings we build and token requests we send.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::http {

// Percent-encodes everything except RFC 3986's unreserved characters.
std::string percent_encode(std::string_view s);

// "a=1&b=2", each key and value percent-encoded.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace gh::http
