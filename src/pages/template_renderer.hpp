#pragma once
// Walks a parsed template with its data, writing through the contextual escaper. No parsing happens here.
#include <string>
#include <string_view>

#include "pages/html_context.hpp"
#include "pages/template_tree.hpp"

namespace gh::pages {

// Renders `name` of `templates` with dot = `data`; false when the set has no such template or the templates
// call each other too deep (a template calling itself).
bool render_template(const tree::Templates& templates, std::string_view name, const Value& data, ContextualWriter& out);

}  // namespace gh::pages
