#include "pages/js_scanner.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace gh::pages {
namespace {

bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// After these keywords an expression starts, so a '/' opens a regex literal ("return /x/.test(s)").
bool keyword_precedes_expression(std::string_view word) {
    static constexpr std::array<std::string_view, 13> kKeywords{
        "break", "case", "continue", "delete", "do", "else", "finally", "in", "instanceof", "return", "throw", "try",
        "typeof"};
    return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end() || word == "void";
}

}  // namespace

void JsScanner::step(char c) {
    if (c == '\n' || c == '\r') line_dashes_ = 0;
    if (comment_ == 1) {
        if (c == '\n' || c == '\r') comment_ = 0;
        return;
    }
    if (comment_ == 2) {
        if (c == '/' && before_star_ == '*') comment_ = 0;
        before_star_ = c;
        return;
    }
    if (quote_ != 0) {
        if ((c == '\n' || c == '\r') && quote_ != '`' && !escaped_) {
            quote_ = 0;  // a '…' or "…" string cannot span lines: the script is broken, the next value is code
            regex_allowed_ = true;
            return;
        }
        if (escaped_)
            escaped_ = false;
        else if (c == '\\')
            escaped_ = true;
        else if (c == quote_) {
            quote_ = 0;
            regex_allowed_ = false;  // a string is a value: "…" / 2 divides
            last_ = c;
        }
        return;
    }
    if (regex_ != 0) {
        if (escaped_)
            escaped_ = false;
        else if (c == '\\')
            escaped_ = true;
        else if (c == '[')
            regex_ = 2;
        else if (c == ']' && regex_ == 2)
            regex_ = 1;
        else if (c == '/' && regex_ == 1) {
            regex_ = 0;
            regex_allowed_ = false;  // a regex literal is a value, its flags follow as identifier characters
            word_.clear();
            last_ = c;
        }
        return;
    }
    if (slash_) {
        slash_ = false;
        if (c == '/') {
            comment_ = 1;
            return;
        }
        if (c == '*') {
            comment_ = 2;
            before_star_ = 0;
            return;
        }
        if (regex_allowed_) {
            regex_ = 1;
            step(c);  // the literal's first character
            return;
        }
        regex_allowed_ = true;  // it was a division: an operand follows
        last_ = '/';
    }
    code_char(c);
}

void JsScanner::code_char(char c) {
    if (is_space(c)) {
        spaced_ = true;
        return;
    }
    // HTML-like comments: "<!--" anywhere, and "-->" first on its line, each run to the end of the line.
    if (c == '-' && recent_.ends_with("<!-")) {
        comment_ = 1;
        return;
    }
    if (c == '>' && line_dashes_ >= 2 && recent_.ends_with("--")) {
        comment_ = 1;
        return;
    }
    line_dashes_ = c == '-' && line_dashes_ >= 0 ? line_dashes_ + 1 : -1;
    recent_ = recent_.size() < 3 ? recent_ + c : recent_.substr(1) + c;
    const bool after_space = spaced_;
    spaced_ = false;
    if (c == '"' || c == '\'' || c == '`') {
        quote_ = c;
        word_.clear();
        return;
    }
    if (c == '/') {
        if (!word_.empty()) regex_allowed_ = keyword_precedes_expression(word_);
        word_.clear();
        slash_ = true;
        return;
    }
    if (is_identifier_char(c)) {
        if (after_space || !is_identifier_char(last_)) word_.clear();  // a new word
        word_ += c;
        regex_allowed_ = false;
        last_ = c;
        return;
    }
    word_.clear();
    switch (c) {
        case ')':
        case ']':
            regex_allowed_ = false;  // the end of an operand
            break;
        case '+':
        case '-':
            regex_allowed_ = last_ != c;  // "a++ / 2" divides; "a + /x/" is a regex
            break;
        default:
            regex_allowed_ = true;  // an operator or punctuation: an operand follows
            break;
    }
    last_ = c;
}

JsScanner::Context JsScanner::value_context() {
    if (comment_ != 0) return Context::comment;
    if (quote_ != 0) return Context::string;
    if (regex_ != 0) return Context::regex;
    if (slash_) {
        slash_ = false;
        if (regex_allowed_) {
            regex_ = 1;
            return Context::regex;
        }
        regex_allowed_ = true;
        last_ = '/';
    }
    return Context::code;
}

}  // namespace gh::pages
