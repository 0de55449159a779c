#pragma once
#include <string>
#include <string_view>

namespace gh::observe {

// Request-supplied text made safe for a log line: control characters and quotes escaped, so that a
// crafted header cannot forge a second log line; cut to `max` bytes so one request cannot flood the log.
std::string log_text(std::string_view s, std::size_t max = 512);

// The same, appended to `out` (no allocation once `out` has grown).
void append_log_text(std::string& out, std::string_view s, std::size_t max = 512);

// `s` as a JSON string, quotes included. Bytes that are not UTF-8 become U+FFFD, so every line parses.
void append_json_string(std::string& out, std::string_view s);

}  // namespace gh::observe
