#include "http/request_id.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/random.hpp"

namespace gh::http {

std::string request_id(const Request& req) {
    const std::string_view given = req.header("X-Request-Id");
    // Only short, plain ids are echoed into pages and logs; anything else is replaced.
    const bool sane = !given.empty() && given.size() <= 64 && std::all_of(given.begin(), given.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    return sane ? std::string(given) : crypto::random_token(12);
}

}  // namespace gh::http
