#pragma once
// Where a character of inline JavaScript stands: in code, a string, a comment or a regular expression literal.
// The contextual writer asks it how to escape a value written into a <script> body or an on… attribute.
// Hand-written because no library in Debian's set tokenises JavaScript incrementally; like Go's html/template it
// tells a regex literal from a division by the token before the '/', which is all an escaper needs to know.
#include <string>

namespace gh::pages {

class JsScanner {
public:
    enum class Context { code, string, regex, comment };

    void step(char c);
    void reset() { *this = JsScanner{}; }
    // The context a value written now lands in. A '/' just before it is decided here: a regex literal where one
    // may start, else a division.
    Context value_context();
    char quote() const { return quote_; }

private:
    void code_char(char c);

    char quote_ = 0;           // the open string's quote, or 0
    bool escaped_ = false;     // the previous character was a backslash inside a string or regex
    int comment_ = 0;          // 1: // …, 2: /* … */
    int regex_ = 0;            // 1: inside a regex literal, 2: inside one of its [character classes]
    bool slash_ = false;       // a '/' in code whose meaning the next character decides
    bool regex_allowed_ = true;  // a '/' now would start a regex literal (after an operator), not divide
    char last_ = 0;            // the last character of code that is not white space
    char before_star_ = 0;     // in a block comment: the previous character
    bool spaced_ = false;      // white space since the last character of code
    std::string word_;         // the identifier or keyword just before, for "return /x/"
    std::string recent_;       // the last three characters of code, for "<!--"
    int line_dashes_ = 0;      // '-' characters first on this line (-1: something else came first), for "-->"
};

}  // namespace gh::pages
