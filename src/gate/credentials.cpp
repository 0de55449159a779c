#include "gate/credentials.hpp"

namespace gh::gate {

namespace {

// What follows `scheme` (lower case, with its space) in an Authorization value, trimmed; empty for another scheme.
std::string_view after_scheme(std::string_view authorization, std::string_view scheme) {
    if (authorization.size() <= scheme.size()) return {};
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        const char c = authorization[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return {};
    }
    std::string_view value = authorization.substr(scheme.size());
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    return value;
}

}  // namespace

std::string_view bearer_token_of(std::string_view authorization) { return after_scheme(authorization, "bearer "); }

std::string_view basic_credentials_of(std::string_view authorization) { return after_scheme(authorization, "basic "); }

}  // namespace gh::gate
