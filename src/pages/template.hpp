#pragma once
// A page template: HTML with {{.Name}} placeholders, filled in HTML-escaped unless the name is declared raw
// (the operator's own --banner and --footer HTML). Hand-written because no library in Debian's set renders
// templates; this one does only what the pages need, and a placeholder it does not know renders empty.
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace gh::pages {

using TemplateValues = std::map<std::string, std::string, std::less<>>;

std::string escape_html(std::string_view s);

std::string render(std::string_view text, const TemplateValues& values, const std::set<std::string, std::less<>>& raw = {});

}  // namespace gh::pages
