#pragma once
// Reading the alpha configuration's YAML without stopping at the first problem: every node is read with its path
// (providers[0].oidcConfig.issuerURL), a key the format does not have is a problem (oauth2-proxy decodes with
// ErrorUnused), and a value of the wrong type is one more problem. Only for options/alpha_*.cpp.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "options/alpha_config.hpp"

namespace gh::options::alpha {

class Reader {
public:
    Reader(AlphaConfig& out, const AlphaFileReader& read_file) : out_(out), read_file_(read_file) {}

    void fail(const std::string& path, std::string_view why) { out_.errors.push_back(path + ": " + std::string(why)); }
    // The flag `flag` gets `values` from the node at `path`.
    void set(std::string_view flag, std::vector<std::string> values, std::string path) {
        out_.settings.push_back({flag, std::move(values), std::move(path)});
    }
    void set(std::string_view flag, std::string value, std::string path) {
        set(flag, std::vector<std::string>{std::move(value)}, std::move(path));
    }

    // A mapping whose keys are among `known` (each other key is a problem). False when the node is no mapping.
    bool mapping(const YAML::Node& node, const std::string& path, std::initializer_list<std::string_view> known);
    // A list, or nothing (a problem when the node is something else).
    bool sequence(const YAML::Node& node, const std::string& path);
    std::optional<std::string> text(const YAML::Node& node, const std::string& path);
    std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
    std::optional<std::vector<std::string>> texts(const YAML::Node& node, const std::string& path);
    // A secret source (value, fromEnv or fromFile: exactly one) read now, as oauth2-proxy reads it at start.
    std::optional<std::string> secret(const YAML::Node& node, const std::string& path, const AlphaEnvironment& env);
    // Refuses the key when it is set to anything but an empty/false value: a setting Gatehouse does not have.
    void refuse_if_set(const YAML::Node& parent, std::string_view key, const std::string& path, std::string_view why);

    AlphaConfig& out() { return out_; }

private:
    AlphaConfig& out_;
    const AlphaFileReader& read_file_;
};

// The value under `key` in a mapping, the key's case ignored as oauth2-proxy's decoder (mapstructure) ignores it:
// its own Helm chart writes `BindAddress`. Undefined when there is none.
YAML::Node field(const YAML::Node& map, std::string_view key);

inline std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string item(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

// The sections, each in its own file.
void read_server(Reader& r, const YAML::Node& node, const std::string& path, bool metrics);
void read_upstreams(Reader& r, const YAML::Node& node, const std::string& path);
void read_providers(Reader& r, const YAML::Node& node, const std::string& path);
std::vector<identity::InjectedHeader> read_headers(Reader& r, const YAML::Node& node, const std::string& path,
                                                   const AlphaEnvironment& env);

// oauth2-proxy's substitution of ${VAR}, ${VAR:-default} and $VAR from the environment ($$ is a '$'); a variable
// that is not set is a problem, not an empty value (a missing secret must not become an empty one).
std::string substitute_env(std::string_view text, const AlphaEnvironment& env, std::vector<std::string>& errors);

}  // namespace gh::options::alpha
