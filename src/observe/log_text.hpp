#pragma once
#include <string>
#include <string_view>

namespace gh::observe {

// Request-supplied text made safe for a log line: control characters and quotes escaped, so that a
// crafted header cannot forge a second log line; cut to `max` bytes so one request cannot flood the log.
std::string log_text(std::string_view s, std::size_t max = 512);

}  // namespace gh::observe
