#include "pages/template.hpp"

namespace gh::pages {

std::string escape_html(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string render(std::string_view text, const TemplateValues& values, const std::set<std::string, std::less<>>& raw) {
    std::string out;
    out.reserve(text.size() + 256);
    for (;;) {
        const auto open = text.find("{{.");
        if (open == std::string_view::npos) break;
        const auto close = text.find("}}", open);
        if (close == std::string_view::npos) break;
        out.append(text.substr(0, open));
        std::string_view name = text.substr(open + 3, close - open - 3);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (const auto it = values.find(name); it != values.end())
            out += raw.contains(name) ? it->second : escape_html(it->second);
        text.remove_prefix(close + 2);
    }
    out.append(text);
    return out;
}

}  // namespace gh::pages
