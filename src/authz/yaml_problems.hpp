#pragma once
// Reading the policy file's YAML without stopping at the first problem: each problem is kept with the line of
// the node it is about, and values are read without yaml-cpp's exceptions (a value of the wrong type is one more
// problem to report, not the end of the reading). Only for the .cpp files of authz, which link yaml-cpp.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "result/result.hpp"

namespace gh::authz {

// yaml-cpp counts lines from 0, and says -1 for a node that is not in the file.
inline int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

inline void add_problem(Errors& problems, const YAML::Node& node, std::string why) {
    problems.push_back({.code = ErrorCode::invalid_value, .message = std::move(why), .line = line_of(node)});
}

// The node's text, or nothing when it is a list, a mapping, null or absent.
inline std::optional<std::string> scalar_text(const YAML::Node& node) {
    if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
    return node.Scalar();
}

// The node as a YAML boolean (true/false, yes/no, on/off), or nothing.
inline std::optional<bool> scalar_bool(const YAML::Node& node) {
    bool value = false;
    if (!node.IsDefined() || !node.IsScalar() || !YAML::convert<bool>::decode(node, value)) return std::nullopt;
    return value;
}

// A mapping's key as text ("" for a key that is not text: it is reported as an unknown key).
inline std::string key_text(const YAML::Node& key) { return scalar_text(key).value_or(""); }

}  // namespace gh::authz
