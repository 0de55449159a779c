#pragma once
// Percent-encoding (RFC 3986 §2.1) and application/x-www-form-urlencoded values: one decoder for every caller
// (query parameters, Redis URLs' user and password, annotations), so that no two parts of the house read the
// same text two ways.
#include <string>
#include <string_view>

namespace gh::text {

// Percent-encodes everything except RFC 3986's unreserved characters.
std::string percent_encode(std::string_view s);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as form values mean it); a malformed escape is
// kept as it is.
std::string percent_decode(std::string_view s, bool plus_is_space = false);

// The same, appended to `out` (a caller's reused buffer).
void percent_decode_into(std::string_view s, bool plus_is_space, std::string& out);

}  // namespace gh::text
