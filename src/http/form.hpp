#pragma once
// application/x-www-form-urlencoded, for query strings we build and token requests we send.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/percent.hpp"

namespace gh::http {

// "a=1&b=2", each key and value percent-encoded.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace gh::http
