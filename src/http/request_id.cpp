#include "http/request_id.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/random.hpp"

namespace gh::http {

std::string_view request_id(const Request& req) {
    if (req.id_size_ == 0) {
        const std::string_view given = req.header("X-Request-Id");
        // Only short, plain ids are echoed into pages and logs; anything else is replaced.
        const bool sane = !given.empty() && given.size() <= req.id_.size() &&
                          std::all_of(given.begin(), given.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                          });
        const std::string fresh = sane ? std::string{} : crypto::random_token(12);
        const std::string_view id = sane ? given : std::string_view(fresh);
        std::copy(id.begin(), id.end(), req.id_.begin());
        req.id_size_ = id.size();
    }
    return {req.id_.data(), req.id_size_};
}

}  // namespace gh::http
