#include "oidc/claim_values.hpp"

#include <limits>

namespace gh::oidc {

std::string string_claim(const nlohmann::json& claims, const char* name) {
    const auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

namespace {

// A JSON number as whole seconds. Casting a double beyond int64 (1e300) or an unsigned above INT64_MAX is
// undefined or wraps: hold them at the ends of the range instead.
std::int64_t to_seconds(const nlohmann::json& n) {
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    if (n.is_number_unsigned()) {
        const auto u = n.get<std::uint64_t>();
        return u > static_cast<std::uint64_t>(highest) ? highest : static_cast<std::int64_t>(u);
    }
    if (n.is_number_integer()) return n.get<std::int64_t>();
    const double d = n.get<double>();
    if (!(d > -9.2e18)) return lowest;  // also NaN, which JSON cannot carry but a parser extension might
    if (d > 9.2e18) return highest;
    return static_cast<std::int64_t>(d);
}

}  // namespace

bool numeric_claim(const nlohmann::json& claims, const char* name, std::int64_t& out) {
    const auto it = claims.find(name);
    if (it == claims.end() || !it->is_number()) return false;
    out = to_seconds(*it);
    return true;
}

ClaimRead read_string(const nlohmann::json* claim, std::string& out) {
    if (!claim || claim->is_null()) return ClaimRead::absent;
    if (!claim->is_string()) return ClaimRead::wrong_type;
    out = claim->get<std::string>();
    return ClaimRead::ok;
}

ClaimRead read_number(const nlohmann::json* claim, std::int64_t& out) {
    if (!claim || claim->is_null()) return ClaimRead::absent;
    if (!claim->is_number()) return ClaimRead::wrong_type;
    out = to_seconds(*claim);
    return ClaimRead::ok;
}

ClaimRead read_boolean(const nlohmann::json* claim, bool& out) {
    if (!claim || claim->is_null()) return ClaimRead::absent;
    if (!claim->is_boolean()) return ClaimRead::wrong_type;
    out = claim->get<bool>();
    return ClaimRead::ok;
}

ClaimRead read_strings(const nlohmann::json* claim, std::vector<std::string>& out) {
    if (!claim || claim->is_null()) return ClaimRead::absent;
    if (claim->is_string()) {
        out.push_back(claim->get<std::string>());
        return ClaimRead::ok;
    }
    if (!claim->is_array()) return ClaimRead::wrong_type;
    for (const auto& v : *claim)
        if (!v.is_string()) return ClaimRead::wrong_type;
    for (const auto& v : *claim) out.push_back(v.get<std::string>());
    return ClaimRead::ok;
}

const nlohmann::json* top_claim(const nlohmann::json& claims, const std::string& name) {
    const auto it = claims.find(name);
    return it == claims.end() ? nullptr : &*it;
}

std::string wrong_type(const std::string& name, const char* expected) {
    return "claim '" + name + "' is not " + expected;
}

}  // namespace gh::oidc
