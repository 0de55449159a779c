#pragma once
// Every flag is declared once, here. The command-line name, the OAUTH2_PROXY_* environment name, the cfg
// file key, the help text and the parser all derive from this table.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::options {

enum class FlagType { text, boolean, duration, integer, list };

struct FlagSpec {
    std::string_view name;     // without the leading "--"
    std::string_view cfg_key;  // oauth2-proxy's cfg key; plural for lists (email_domains)
    FlagType type;
    std::string_view default_value;
    std::string_view help;
    std::string_view alias = {};  // a second accepted command-line name
};

// Flags Gatehouse implements.
std::span<const FlagSpec> flag_table();
const FlagSpec* find_flag(std::string_view name);
const FlagSpec* find_flag_by_cfg_key(std::string_view key);
// The flag a cfg key or OAUTH2_PROXY_* name (lower-cased, without the prefix) sets: its cfg key or, for a list,
// either number of its name (google_group and google_groups, email_domain and email_domains), because
// oauth2-proxy's releases spelled several of them both ways. The exact cfg key wins.
const FlagSpec* find_flag_by_setting_key(std::string_view key);
// Every key find_flag_by_setting_key accepts for `flag` besides its cfg key (empty for a scalar).
std::vector<std::string> other_setting_keys(const FlagSpec& flag);

// oauth2-proxy flags Gatehouse does not support, with what to do instead: refused by name as flags, cfg keys and
// OAUTH2_PROXY_* variables alike, so that a deployment never silently loses a setting it relies on (an unknown
// variable could be anyone's; one of these is an oauth2-proxy setting).
struct UnsupportedFlag {
    std::string_view name;
    std::string_view instead;
};
std::span<const UnsupportedFlag> unsupported_flags();
const UnsupportedFlag* find_unsupported_flag(std::string_view name);
const UnsupportedFlag* find_unsupported_flag_by_cfg_key(std::string_view key);

// "OAUTH2_PROXY_" + upper-case cfg key.
std::string env_name(const FlagSpec& flag);

}  // namespace gh::options
