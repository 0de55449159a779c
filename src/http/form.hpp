#pragma once
// application/x-www-form-urlencoded, for query strings we build and token requests we send.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::http {

// Percent-encodes everything except RFC 3986's unreserved characters.
std::string percent_encode(std::string_view s);

// Decodes %XX escapes (and '+' as a space in form values); a malformed escape is kept as it is.
std::string percent_decode(std::string_view s, bool plus_is_space = false);

// "a=1&b=2", each key and value percent-encoded.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace gh::http
