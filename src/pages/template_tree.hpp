#pragma once
// The parsed form of a Go template: built once when the templates load, walked on every render.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pages/template_value.hpp"

namespace gh::pages::tree {

struct Pipeline;

// One operand of a command.
struct Operand {
    enum class Kind { dot, variable, literal, function, pipeline } kind = Kind::dot;
    std::string name;                 // variable ("$", "$x") or function name
    std::vector<std::string> fields;  // .A.B after the dot, the variable or a parenthesised pipeline
    Value literal;
    std::shared_ptr<const Pipeline> sub;  // (pipeline)
};

// A function call (first operand a function) or a single value.
struct Command {
    std::vector<Operand> operands;
};

struct Pipeline {
    std::vector<std::string> variables;  // $x := / $i, $e := (range)
    bool assigns = false;                // $x = … sets an existing variable instead of declaring one
    std::vector<Command> commands;       // joined by |: each result becomes the next command's last argument
};

struct Node;
using List = std::vector<Node>;

struct Node {
    enum class Kind { text, action, if_, range, with, call, break_, continue_ } kind = Kind::text;
    std::string text;  // text, or the called template's name
    Pipeline pipe;     // action, if, range, with, call (empty for a call without argument)
    bool has_pipe = false;
    List body, otherwise;  // otherwise: the {{else}} branch
    int line = 0;
};

// Every named template of a set: the files' own bodies (named after the file) and their {{define}}s.
using Templates = std::map<std::string, std::shared_ptr<const List>, std::less<>>;

}  // namespace gh::pages::tree
