#pragma once
// Browsers drop cookies past ~4 KB, so a large session value is stored as NAME_0, NAME_1, …
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/cookie_jar.hpp"

namespace gh::session {

// Longest `name=value` one cookie may carry; leaves room for the attributes under the 4096-byte limit.
inline constexpr std::size_t kMaxCookieBytes = 4000;
inline constexpr std::size_t kMaxChunks = 16;

struct NamedValue {
    std::string name;
    std::string_view value;
};

// One cookie named `name` when it fits, otherwise `name_0`, `name_1`, … each within kMaxCookieBytes.
std::vector<NamedValue> split_into_chunks(const std::string& name, std::string_view value);

// The full value: `name` itself, or `name_0…name_k` concatenated into `scratch`. nullopt if absent.
std::optional<std::string_view> join_chunks(const CookieJar& jar, std::string_view name, std::string& scratch);

// Names of cookies in `jar` that belong to `name` (plain or chunk), for clearing stale ones.
std::vector<std::string> cookie_names_of(const CookieJar& jar, std::string_view name);

}  // namespace gh::session
