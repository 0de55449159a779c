#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace gh::session {

enum class SameSite { unset, lax, strict, none };

struct CookieAttributes {
    std::string domain;  // empty: host-only cookie
    std::string path = "/";
    std::int64_t max_age = 0;  // seconds; 0: session cookie (no Max-Age)
    bool secure = true;
    bool http_only = true;
    SameSite same_site = SameSite::unset;
};

// `Set-Cookie` header value. Expires is written beside Max-Age for old clients.
std::string format_set_cookie(std::string_view name, std::string_view value, const CookieAttributes& attrs,
                              std::int64_t now);

// A `Set-Cookie` that makes the browser delete `name` (empty value, Max-Age=0, expiry in the past).
std::string format_clearing_cookie(std::string_view name, const CookieAttributes& attrs);

}  // namespace gh::session
