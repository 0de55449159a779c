#include "oidc/claim_values.hpp"

namespace gh::oidc {

std::string string_claim(const nlohmann::json& claims, const char* name) {
    const auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool numeric_claim(const nlohmann::json& claims, const char* name, std::int64_t& out) {
    const auto it = claims.find(name);
    if (it == claims.end() || !it->is_number()) return false;
    out = it->is_number_float() ? static_cast<std::int64_t>(it->get<double>()) : it->get<std::int64_t>();
    return true;
}

std::vector<std::string> audiences(const nlohmann::json& claims, const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const auto& name : names) {
        const auto it = claims.find(name);
        if (it == claims.end()) continue;
        if (it->is_string()) out.push_back(it->get<std::string>());
        else if (it->is_array())
            for (const auto& a : *it)
                if (a.is_string()) out.push_back(a.get<std::string>());
    }
    return out;
}

}  // namespace gh::oidc
