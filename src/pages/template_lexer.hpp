#pragma once
// Splits Go template text into text and actions ({{…}}), applying the trim markers {{- and -}} and dropping
// comments, and an action into tokens. Each piece knows its line, for parse errors that name it.
#include <string>
#include <string_view>
#include <vector>

#include "result/result.hpp"

namespace gh::pages::lex {

struct Token {
    enum class Kind {
        field,
        dot,
        variable,
        identifier,
        string,
        number,
        character,
        pipe,
        open,
        close,
        declare,
        assign,
        comma
    } kind;
    std::string text;     // field/variable/identifier name (fields without the dot), decoded string, number text
    bool joined = false;  // no space before it: a field joined to what precedes it (.A.B, $x.A, (…).A)
};

struct Piece {
    bool is_action = false;
    std::string text;           // text pieces
    std::vector<Token> tokens;  // actions
    int line = 1;
};

// Fails with "line N: reason".
Result<std::vector<Piece>> split(std::string_view source);

}  // namespace gh::pages::lex
