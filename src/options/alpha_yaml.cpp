#include "options/alpha_yaml.hpp"

#include <algorithm>
#include <cctype>

namespace gh::options::alpha {
namespace {

const char* kind_of(const YAML::Node& node) {
    if (node.IsMap()) return "a mapping";
    if (node.IsSequence()) return "a list";
    if (node.IsNull()) return "empty";
    return "a single value";
}

bool name_char(char c, bool first) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
}

const std::string* find_env(const AlphaEnvironment& env, std::string_view name) {
    for (const auto& [key, value] : env)
        if (key == name) return &value;
    return nullptr;
}

bool same_key(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

}  // namespace

YAML::Node field(const YAML::Node& map, std::string_view key) {
    if (map.IsMap())
        for (const auto& entry : map)
            if (entry.first.IsScalar() && same_key(entry.first.Scalar(), key)) return entry.second;
    return map[std::string(key)];  // on a const node: an undefined node, the map unchanged
}

bool Reader::mapping(const YAML::Node& node, const std::string& path, std::initializer_list<std::string_view> known) {
    if (!node.IsMap()) {
        fail(path, std::string("must be a mapping, not ") + kind_of(node));
        return false;
    }
    std::vector<std::string> seen;
    for (const auto& entry : node) {
        const std::string key = entry.first.as<std::string>("");
        if (std::none_of(known.begin(), known.end(), [&](std::string_view k) { return same_key(k, key); }))
            fail(child(path, key), "unknown key (oauth2-proxy refuses it too)");
        // Keys are read regardless of case: two spellings of one key leave which one counts unclear.
        else if (std::any_of(seen.begin(), seen.end(), [&](const std::string& k) { return same_key(k, key); }))
            fail(child(path, key), "given twice (keys are read regardless of case): keep one");
        seen.push_back(key);
    }
    return true;
}

bool Reader::sequence(const YAML::Node& node, const std::string& path) {
    if (node.IsSequence()) return true;
    fail(path, std::string("must be a list, not ") + kind_of(node));
    return false;
}

std::optional<std::string> Reader::text(const YAML::Node& node, const std::string& path) {
    if (node.IsScalar()) return node.Scalar();
    fail(path, std::string("must be a single value, not ") + kind_of(node));
    return std::nullopt;
}

std::optional<bool> Reader::boolean(const YAML::Node& node, const std::string& path) {
    bool value = false;
    if (node.IsScalar() && YAML::convert<bool>::decode(node, value)) return value;
    fail(path, "must be true or false");
    return std::nullopt;
}

std::optional<std::vector<std::string>> Reader::texts(const YAML::Node& node, const std::string& path) {
    if (!sequence(node, path)) return std::nullopt;
    std::vector<std::string> values;
    for (std::size_t i = 0; i < node.size(); ++i) {
        auto v = text(node[i], item(path, i));
        if (!v) return std::nullopt;
        values.push_back(std::move(*v));
    }
    return values;
}

std::optional<std::string> Reader::secret(const YAML::Node& node, const std::string& path, const AlphaEnvironment& env) {
    if (!mapping(node, path, {"value", "fromEnv", "fromFile"})) return std::nullopt;
    const int given = (field(node, "value") ? 1 : 0) + (field(node, "fromEnv") ? 1 : 0) + (field(node, "fromFile") ? 1 : 0);
    if (given != 1) {
        fail(path, "needs exactly one of value, fromEnv or fromFile");
        return std::nullopt;
    }
    if (field(node, "value")) return text(field(node, "value"), child(path, "value"));
    if (field(node, "fromEnv")) {
        const auto name = text(field(node, "fromEnv"), child(path, "fromEnv"));
        if (!name) return std::nullopt;
        if (const auto* value = find_env(env, *name)) return *value;
        fail(child(path, "fromEnv"), "the variable " + *name + " is not set");
        return std::nullopt;
    }
    const auto file = text(field(node, "fromFile"), child(path, "fromFile"));
    if (!file) return std::nullopt;
    auto content = read_file_(*file);
    if (!content) {
        fail(child(path, "fromFile"), "cannot read " + *file);
        return std::nullopt;
    }
    if (content->ends_with('\n')) content->pop_back();  // an editor's newline is not part of the secret
    if (content->ends_with('\r')) content->pop_back();
    return content;
}

void Reader::refuse_if_set(const YAML::Node& parent, std::string_view key, const std::string& path, std::string_view why) {
    const YAML::Node node = field(parent, key);
    if (!node) return;
    bool off = node.IsNull() || (node.IsSequence() && node.size() == 0) || (node.IsMap() && node.size() == 0);
    bool flag = false;
    if (node.IsScalar()) off = node.Scalar().empty() || (YAML::convert<bool>::decode(node, flag) && !flag);
    if (!off) fail(child(path, key), std::string("not supported by Gatehouse (") + std::string(why) + ")");
}

std::string substitute_env(std::string_view text, const AlphaEnvironment& env, std::vector<std::string>& errors) {
    std::string out;
    out.reserve(text.size());
    int line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') ++line;
        if (c != '$' || i + 1 == text.size()) {
            out += c;
            continue;
        }
        const char next = text[i + 1];
        if (next == '$') {  // $$: a literal '$'
            out += '$';
            ++i;
            continue;
        }
        std::string name;
        std::optional<std::string> fallback;
        std::size_t end = i + 1;
        if (next == '{') {
            const auto close = text.find('}', i + 2);
            if (close == std::string_view::npos) {
                out += c;
                continue;
            }
            std::string_view inner = text.substr(i + 2, close - i - 2);
            if (const auto dash = inner.find(":-"); dash != std::string_view::npos) {
                fallback = std::string(inner.substr(dash + 2));
                inner = inner.substr(0, dash);
            }
            name = std::string(inner);
            end = close + 1;
        } else {
            while (end < text.size() && name_char(text[end], end == i + 1)) name += text[end++];
        }
        const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [&](char ch) { return name_char(ch, false); }) &&
                           name_char(name.front(), true);
        if (!valid) {  // $1, a lone '$', ${…} that names no variable: kept as written (oauth2-proxy escapes $1)
            out += c;
            continue;
        }
        if (const auto* value = find_env(env, name)) out += *value;
        else if (fallback) out += *fallback;
        else errors.push_back("line " + std::to_string(line) + ": $" + name + " is not set in the environment");
        i = end - 1;
    }
    return out;
}

}  // namespace gh::options::alpha
