#pragma once
// oauth2-proxy's cfg format, a TOML subset: `key = "value"`, `key = true`, `key = 10`,
// `key = ["a", "b"]` (may span lines), `#` comments.
#include <string>
#include <string_view>
#include <vector>

namespace gh::options {

struct CfgEntry {
    std::string key;
    std::vector<std::string> values;  // one element for scalars
    bool is_list = false;
    int line = 0;
};

struct CfgParseResult {
    std::vector<CfgEntry> entries;
    std::string error;  // "line N: …" when the text is malformed
};

// Hand-written: Debian 12 offers no TOML library among the project's dependencies, and the subset
// oauth2-proxy documents fits in a page.
CfgParseResult parse_cfg(std::string_view text);

}  // namespace gh::options
