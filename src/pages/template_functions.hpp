#pragma once
// Go templates' built-in functions that pages use (eq, ne, lt, le, gt, ge, and, or, not, len, print, printf,
// println, html, urlquery, js) and oauth2-proxy's two additions (ToUpper, ToLower).
#include <span>
#include <string>
#include <string_view>

#include "pages/template_value.hpp"

namespace gh::pages {

bool is_function(std::string_view name);
bool function_takes_no_arguments(std::string_view name);

// The function's result; a call Go would refuse (eq without arguments, a comparison of unlike kinds) gives
// false or nil rather than failing the page.
Value call_function(std::string_view name, std::span<const Value> args);

// The escapers html, urlquery and js also serve the contextual escaper.
std::string html_escape(std::string_view s);
std::string js_string_escape(std::string_view s);
std::string js_regex_escape(std::string_view s);
std::string query_escape(std::string_view s);

}  // namespace gh::pages
