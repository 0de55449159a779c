#include "options/raw_config.hpp"

#include <algorithm>
#include <map>
#include <cctype>
#include <stdexcept>

#include "options/alpha_config.hpp"
#include "options/cfg_file.hpp"
#include "options/service_links.hpp"
#include "options/value_parsers.hpp"

namespace gh::options {
namespace {

struct Pending {
    std::string origin;
    std::vector<std::string> values;
    bool list_seen = false;
};

void assign(RawConfig& cfg, const FlagSpec& flag, Source source, std::string origin, std::vector<std::string> values) {
    auto& slot = cfg.values.at(row_index(flag));
    slot.values = std::move(values);
    slot.source = source;
    slot.origin = std::move(origin);
}

std::string unsupported_message(const std::string& origin, const UnsupportedFlag& u) {
    return origin + ": not supported by Gatehouse (" + std::string(u.instead) + ")";
}

// Which key of a source set each flag, to catch two spellings of one list (google_group and google_groups) that
// disagree: neither their union nor either one alone is surely what the operator meant, so the start is refused.
class SpellingsSeen {
public:
    // False (and an error recorded) when `flag` was already set from this source under another key to other values.
    bool admit(RawConfig& cfg, const FlagSpec& flag, std::string_view key, const std::string& origin,
               const std::vector<std::string>& values) {
        const auto [it, first] = seen_.try_emplace(std::string(flag.name), Seen{std::string(key), origin, values});
        if (first || it->second.key == key) return true;
        if (it->second.values == values) return false;  // the same list twice: nothing to choose
        cfg.errors.push_back(origin + ": conflicts with " + it->second.origin + " (both set --" +
                             std::string(flag.name) + " to different values; keep one)");
        return false;
    }

private:
    struct Seen {
        std::string key;
        std::string origin;
        std::vector<std::string> values;
    };
    std::map<std::string, Seen, std::less<>> seen_;
};

void apply_cfg_file(RawConfig& cfg, const std::string& path, const std::string& text) {
    const auto parsed = parse_cfg(text);
    if (!parsed.error.empty()) {
        cfg.errors.push_back("--config " + path + ": " + parsed.error);
        return;
    }
    SpellingsSeen spellings;
    for (const auto& e : parsed.entries) {
        const std::string origin = path + ":" + std::to_string(e.line) + " " + e.key;
        const FlagSpec* flag = find_flag_by_setting_key(e.key);
        if (!flag) {
            if (const auto* u = find_unsupported_flag_by_cfg_key(e.key))
                cfg.errors.push_back(unsupported_message(origin, *u));
            else cfg.errors.push_back(origin + ": unknown setting");
            continue;
        }
        if (flag->name == "config") continue;  // read already
        if (flag_only(*flag)) {  // oauth2-proxy's cfg file has no such key either
            cfg.errors.push_back(origin + ": the alpha configuration is named only by the flag (--alpha-config=<file>)");
            continue;
        }
        if (e.is_list && flag->type() != FlagType::list) {
            cfg.errors.push_back(origin + ": expects a single value, not a list");
            continue;
        }
        if (!spellings.admit(cfg, *flag, e.key, origin, e.values)) continue;
        assign(cfg, *flag, Source::cfg_file, origin, e.values);
    }
}

constexpr std::string_view kEnvPrefix = "OAUTH2_PROXY_";

// Every OAUTH2_PROXY_* variable is a setting Gatehouse reads, or the start is refused: a restriction that is
// silently dropped (a misspelt OAUTH2_PROXY_ALLOWED_GROUP, an oauth2-proxy setting Gatehouse lacks) lets in
// everyone it was meant to keep out. Kubernetes' service-link variables are the one exception.
void apply_env(RawConfig& cfg, const Environment& env) {
    SpellingsSeen spellings;
    for (const auto& [name, value] : env) {
        if (!name.starts_with(kEnvPrefix) || is_kubernetes_service_link(name, value)) continue;
        std::string key = name.substr(kEnvPrefix.size());
        // Upper case only, as oauth2-proxy reads them: OAUTH2_PROXY_email_domains is no setting there either.
        const bool upper = std::none_of(key.begin(), key.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const FlagSpec* flag = upper ? find_flag_by_setting_key(key) : nullptr;
        if (!flag) {
            if (const auto* u = find_unsupported_flag_by_cfg_key(key)) cfg.errors.push_back(unsupported_message(name, *u));
            else cfg.errors.push_back(name + ": unknown setting (gatehouse --help lists the variables it reads)");
            continue;
        }
        if (flag_only(*flag)) {
            // oauth2-proxy does not read it either; a deployment that sets it expects a file that is never read.
            cfg.errors.push_back(name + (flag->name == "config" ? ": the cfg file" : ": the alpha configuration") +
                                 " is named only by the flag (--" + std::string(flag->name) + "=<file>)");
            continue;
        }
        std::vector<std::string> values;
        if (flag->type() == FlagType::list) append_list_items(value, values);
        else values.push_back(value);
        if (!spellings.admit(cfg, *flag, key, name, values)) continue;
        assign(cfg, *flag, Source::env, name, std::move(values));
    }
}

// --alpha-config: its settings fill the rows of the flags they stand for. oauth2-proxy loads the flags those
// sections replace from no source beside it (an unknown flag, an invalid cfg key; a variable silently ignored):
// here each such flag given by any source is refused, so that no value is silently dropped or overridden.
void apply_alpha_config(RawConfig& cfg, const std::string& path, const std::string& text, const Environment& env,
                        const std::function<std::optional<std::string>(const std::string&)>& read_file) {
    for (const auto name : flags_replaced_by_alpha_config()) {
        const FlagSpec* flag = find_flag(name);
        if (!flag) throw std::logic_error("flags_replaced_by_alpha_config names no flag: " + std::string(name));
        const auto& slot = cfg.of(*flag);
        if (slot.source != Source::default_value)
            cfg.errors.push_back(slot.origin + ": not read beside --alpha-config, whose upstreamConfig, "
                                 "injectRequestHeaders/injectResponseHeaders, server and providers replace it "
                                 "(oauth2-proxy refuses it there too): set it in " + path);
    }
    AlphaConfig alpha = read_alpha_config(text, env, read_file);
    for (const auto& e : alpha.errors) cfg.errors.push_back("--alpha-config " + path + ": " + e);
    std::map<std::string_view, bool> set_here;
    for (auto& s : alpha.settings) {
        const FlagSpec* flag = find_flag(s.flag);
        if (!flag) throw std::logic_error("an alpha setting names no flag: " + std::string(s.flag));
        auto& slot = cfg.values.at(row_index(*flag));
        if (set_here[flag->name] && flag->type() == FlagType::list) {  // allowedGroups and keycloakConfig.groups
            slot.values.insert(slot.values.end(), s.values.begin(), s.values.end());
            continue;
        }
        set_here[flag->name] = true;
        assign(cfg, *flag, Source::alpha_config, path + ": " + s.path, std::move(s.values));
    }
    cfg.inject_request_headers = std::move(alpha.request_headers);
    cfg.inject_response_headers = std::move(alpha.response_headers);
}

}  // namespace

const RawValue& RawConfig::get(std::string_view flag) const {
    const FlagSpec* spec = find_flag(flag);
    if (!spec) throw std::logic_error("flag missing from the table: " + std::string(flag));
    return of(*spec);
}

RawConfig collect_raw_config(const std::vector<std::string>& args, const Environment& env,
                             const std::function<std::optional<std::string>(const std::string&)>& read_file) {
    RawConfig cfg;
    for (const auto& flag : flag_table()) {
        RawValue v;
        if (!flag.default_value.empty()) v.values.emplace_back(flag.default_value);
        v.origin = "--" + std::string(flag.name);
        cfg.values.push_back(std::move(v));
    }

    // Flags first, so that --config is known before the file is read; applied last (highest precedence).
    std::map<std::string, Pending, std::less<>> from_flags;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            cfg.help = true;
            continue;
        }
        if (arg == "--version" || arg == "-version") {
            cfg.version = true;
            continue;
        }
        if (!arg.starts_with("--") || arg.size() == 2) {
            cfg.errors.push_back(arg + ": unexpected argument (flags are written --name=value)");
            continue;
        }
        const auto eq = arg.find('=');
        const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const FlagSpec* flag = find_flag(name);
        if (!flag) {
            if (const auto* u = find_unsupported_flag(name)) cfg.errors.push_back(unsupported_message("--" + name, *u));
            else cfg.errors.push_back("--" + name + ": unknown flag");
            // Skip a separate value so that it is not reported as a second error.
            if (eq == std::string::npos && i + 1 < args.size() && !args[i + 1].starts_with("--")) ++i;
            continue;
        }
        std::string value;
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
        } else if (flag->type() == FlagType::boolean) {
            value = "true";  // like pflag, a bare boolean flag means true and never takes the next argument
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            cfg.errors.push_back("--" + name + ": needs a value");
            continue;
        }
        auto& pending = from_flags[std::string(flag->name)];
        pending.origin = "--" + name;
        if (flag->type() == FlagType::list) append_list_items(value, pending.values);
        else pending.values = {value};
    }

    std::string config_path;
    if (auto it = from_flags.find("config"); it != from_flags.end()) config_path = it->second.values.at(0);
    if (!config_path.empty()) {
        if (auto text = read_file(config_path)) apply_cfg_file(cfg, config_path, *text);
        else cfg.errors.push_back("--config: cannot read " + config_path);
    }
    apply_env(cfg, env);
    std::string alpha_path;
    if (auto it = from_flags.find("alpha-config"); it != from_flags.end()) alpha_path = it->second.values.at(0);
    for (auto& [name, pending] : from_flags)
        assign(cfg, *find_flag(name), Source::flag, pending.origin, std::move(pending.values));
    if (!alpha_path.empty()) {
        if (auto text = read_file(alpha_path)) apply_alpha_config(cfg, alpha_path, *text, env, read_file);
        else cfg.errors.push_back("--alpha-config: cannot read " + alpha_path);
    }
    return cfg;
}

}  // namespace gh::options
