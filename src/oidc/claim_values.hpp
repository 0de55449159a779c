#pragma once
// Reading single claims safely: a token's payload is attacker-shaped JSON, so every lookup tolerates a missing
// claim or one of another type (json::value would throw on a number: found by the jws fuzzer).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gh::oidc {

// A string claim, or "" when it is absent or of another type.
std::string string_claim(const nlohmann::json& claims, const char* name);

// A numeric claim (seconds), truncated; false when absent or not a number.
bool numeric_claim(const nlohmann::json& claims, const char* name, std::int64_t& out);

// Every audience named by the claims `names` (each a string or an array of strings).
std::vector<std::string> audiences(const nlohmann::json& claims, const std::vector<std::string>& names);

}  // namespace gh::oidc
