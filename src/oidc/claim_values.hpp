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

// A numeric claim (seconds), truncated and held within int64; false when absent or not a number.
bool numeric_claim(const nlohmann::json& claims, const char* name, std::int64_t& out);

// A typed read of one claim, for the checks that refuse a claim of the wrong JSON type instead of skipping it.
// An absent claim and a JSON null are both `absent`.
enum class ClaimRead { absent, ok, wrong_type };
ClaimRead read_string(const nlohmann::json* claim, std::string& out);
ClaimRead read_number(const nlohmann::json* claim, std::int64_t& out);
ClaimRead read_boolean(const nlohmann::json* claim, bool& out);
// A string or an array of strings (`aud`, `groups`), appended to `out`.
ClaimRead read_strings(const nlohmann::json* claim, std::vector<std::string>& out);
// The top-level claim `name`, or nullptr (`claims` must be an object).
const nlohmann::json* top_claim(const nlohmann::json& claims, const std::string& name);

// "claim 'groups' is not a string or an array of strings": the error every wrong type gets.
std::string wrong_type(const std::string& name, const char* expected);

}  // namespace gh::oidc
