#pragma once
// Go template syntax to a tree (template_tree.hpp): define, template, block, if / else if / else, range, with,
// break, continue, pipelines with variables and the functions of template_functions.hpp. Anything else is a parse
// error naming its line, so a template that Gatehouse would render differently from Go stops the start instead.
// Written by hand because no library among Debian's packages renders Go templates, and oauth2-proxy's users bring
// theirs in Go's syntax.
#include <string>
#include <string_view>

#include "pages/template_tree.hpp"
#include "result/result.hpp"

namespace gh::pages {

// Adds the file's templates to `into`: its body under `name` (unless the body is only white space, as Go keeps
// it then) and each {{define}} under its own name, replacing one of the same name.
Result<void> parse_template(std::string_view name, std::string_view source, tree::Templates& into);

// Every {{template "x"}} names a template of the set; Go would fail only when rendering.
Result<void> check_calls(const tree::Templates& templates);

}  // namespace gh::pages
