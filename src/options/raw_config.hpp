#pragma once
// Collects raw values from the three sources with oauth2-proxy's precedence: flag > env > cfg file > default.
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "identity/config.hpp"
#include "options/flag_table.hpp"

namespace gh::options {

using Environment = std::vector<std::pair<std::string, std::string>>;

enum class Source { default_value, cfg_file, env, flag, alpha_config };

struct RawValue {
    std::vector<std::string> values;
    Source source = Source::default_value;
    std::string origin;  // how to name it in an error: "--cookie-secret", "OAUTH2_PROXY_COOKIE_SECRET", …
};

struct RawConfig {
    std::vector<RawValue> values;  // one per row of flag_table(), in its order
    std::vector<std::string> errors;
    bool help = false;
    bool version = false;
    // --alpha-config's header lists (options/alpha_config.hpp); unset without --alpha-config.
    std::optional<std::vector<identity::InjectedHeader>> inject_request_headers;
    std::optional<std::vector<identity::InjectedHeader>> inject_response_headers;

    const RawValue& of(const FlagSpec& flag) const { return values.at(row_index(flag)); }
    // By flag name, for diagnostics and tests; a logic error for a name the table lacks.
    const RawValue& get(std::string_view flag) const;
};

// `args` excludes the program name. `read_file` loads the --config file (returns nullopt if unreadable).
RawConfig collect_raw_config(const std::vector<std::string>& args, const Environment& env,
                             const std::function<std::optional<std::string>(const std::string&)>& read_file);

}  // namespace gh::options
