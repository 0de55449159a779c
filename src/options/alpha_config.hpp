#pragma once
// --alpha-config: oauth2-proxy's alpha configuration (YAML: upstreamConfig, injectRequestHeaders,
// injectResponseHeaders, providers, server, metricsServer), read as one more source of the flag table. Each
// setting becomes the raw value of the flag it stands for, so the table's parsers and the areas' checks see it as
// they see the flag, and a problem is named by its YAML path. The injected headers have no flag: they replace the
// header flags (identity::Config's lists).
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "identity/config.hpp"

namespace gh::options {

struct AlphaSetting {
    std::string_view flag;            // the flag the setting stands for (a row of flag_table())
    std::vector<std::string> values;  // as the flag would have them
    std::string path;                 // where it is in the file: providers[0].oidcConfig.issuerURL
};

struct AlphaConfig {
    std::vector<AlphaSetting> settings;
    std::vector<identity::InjectedHeader> request_headers;
    std::vector<identity::InjectedHeader> response_headers;
    std::vector<std::string> errors;  // "<yaml path>: why", every problem of the file
};

using AlphaEnvironment = std::vector<std::pair<std::string, std::string>>;
using AlphaFileReader = std::function<std::optional<std::string>(const std::string&)>;

// Reads the file's text (after oauth2-proxy's ${VAR} substitution from `env`); `read_file` loads the files its
// secret sources name (fromFile).
AlphaConfig read_alpha_config(std::string_view text, const AlphaEnvironment& env, const AlphaFileReader& read_file);

// oauth2-proxy's legacy flags that the alpha configuration replaces and Gatehouse has: beside --alpha-config
// oauth2-proxy refuses them (unknown flag, invalid cfg key), and so does Gatehouse, from every source.
std::span<const std::string_view> flags_replaced_by_alpha_config();

}  // namespace gh::options
