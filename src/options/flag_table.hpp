#pragma once
// Every flag is declared once, here: one row names the flag, its cfg key (and so its OAUTH2_PROXY_* variable), its
// default, its help and the field of Options it fills with its parser (options/binding.hpp). --help, the three
// sources' readers and `gatehouse flags` (the migration guide's table) all derive from this table.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::options {

struct Options;

enum class FlagType { text, boolean, duration, integer, list };

// Fills one field of Options from a flag's raw values (its default when unset), pushing one line per bad value.
struct Binding {
    FlagType type;
    void (*assign)(Options& o, const std::vector<std::string>& values, std::vector<std::string>& problems);
    std::size_t (*field_offset)();  // where the field sits in Options: how checks name a flag by its field
};

// Where a flag sits in the migration guide's table: as in oauth2-proxy, the same name working otherwise, or
// Gatehouse's own.
enum class Compat { same, differs, gatehouse };

struct FlagSpec {
    std::string_view name;     // without the leading "--"
    std::string_view cfg_key;  // oauth2-proxy's cfg key; plural for lists (email_domains)
    Binding bind;
    std::string_view default_value;
    std::string_view help;
    Compat compat = Compat::same;
    std::string_view alias = {};  // a second accepted command-line name
    FlagType type() const { return bind.type; }
};

// Flags Gatehouse implements.
std::span<const FlagSpec> flag_table();
// The row's index in flag_table().
std::size_t row_index(const FlagSpec& flag);
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
// variable could be anyone's; one of these is an oauth2-proxy setting). A value that changes nothing (oauth2-proxy's
// default, or what Gatehouse does anyway) is accepted silently: the example cfg and many Helm values spell defaults.
struct UnsupportedFlag {
    std::string_view name;
    std::string_view instead;
    FlagType type;
    // The values accepted silently: oauth2-proxy's default first, then what Gatehouse always does (if another).
    std::string_view harmless = {};
    std::string_view also_harmless = {};
    // Whether `values` (as a source gave them; a list's items) change nothing: compared as the type's values.
    bool is_harmless(const std::vector<std::string>& values) const;
};
std::span<const UnsupportedFlag> unsupported_flags();
const UnsupportedFlag* find_unsupported_flag(std::string_view name);
const UnsupportedFlag* find_unsupported_flag_by_cfg_key(std::string_view key);

// The variables and cfg keys oauth2-proxy reads for an unsupported flag: its name with underscores, lists also
// with an s.
std::vector<std::string> unsupported_setting_keys(const UnsupportedFlag& flag);

// --config and --alpha-config name files: as in oauth2-proxy, only the command line gives them (no variable, no
// cfg key).
bool flag_only(const FlagSpec& flag);

// oauth2-proxy's cfg key for a flag's name: '-' becomes '_'.
std::string to_cfg_key(std::string_view name);

// "OAUTH2_PROXY_" + upper-case cfg key.
std::string env_name(const FlagSpec& flag);

}  // namespace gh::options
