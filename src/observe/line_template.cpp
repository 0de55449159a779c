#include "observe/line_template.hpp"

#include <algorithm>

namespace gh::observe {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<LineTemplate> LineTemplate::compile(std::string_view text, std::span<const std::string_view> fields,
                                                  std::string& error) {
    LineTemplate t;
    std::string literal;
    while (!text.empty()) {
        const auto open = text.find("{{");
        if (open == std::string_view::npos) {
            literal += text;
            break;
        }
        literal += text.substr(0, open);
        const auto close = text.find("}}", open + 2);
        if (close == std::string_view::npos) {
            error = "unclosed {{ in the template";
            return std::nullopt;
        }
        std::string_view action = text.substr(open + 2, close - open - 2);
        // Go's trim markers ({{- and -}}) remove the spaces beside the action.
        const bool trim_left = action.starts_with("- ");
        const bool trim_right = action.ends_with(" -");
        if (trim_left) action.remove_prefix(2);
        if (trim_right) action.remove_suffix(2);
        action = trim(action);
        if (trim_left)
            while (!literal.empty() && (literal.back() == ' ' || literal.back() == '\t')) literal.pop_back();
        text.remove_prefix(close + 2);
        if (trim_right)
            while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
        if (!action.starts_with('.') || action.size() < 2) {
            error = "{{" + std::string(action) + "}} is not a field reference such as {{.Timestamp}}";
            return std::nullopt;
        }
        const auto name = action.substr(1);
        const auto it = std::find(fields.begin(), fields.end(), name);
        if (it == fields.end()) {
            error = "unknown field {{." + std::string(name) + "}}; known: ";
            for (std::size_t i = 0; i < fields.size(); ++i) error += (i ? ", " : "") + std::string(fields[i]);
            return std::nullopt;
        }
        t.parts_.push_back({std::move(literal), static_cast<int>(it - fields.begin())});
        literal.clear();
    }
    if (!literal.empty()) t.parts_.push_back({std::move(literal), -1});
    return t;
}

}  // namespace gh::observe
