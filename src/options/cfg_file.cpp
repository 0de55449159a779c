#include "options/cfg_file.hpp"

#include <cctype>

namespace gh::options {
namespace {

class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    int line() const { return line_; }
    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    // At the end it stays there (found by the cfg_file fuzzer: a trailing backslash read past the end).
    void advance() {
        if (done()) return;
        if (text_[pos_++] == '\n') ++line_;
    }
    // Skips blanks and comments; crosses newlines only when `multiline`.
    void skip_space(bool multiline) {
        while (!done()) {
            const char c = peek();
            if (c == '#') {
                while (!done() && peek() != '\n') advance();
            } else if (c == ' ' || c == '\t' || c == '\r' || (multiline && c == '\n')) {
                advance();
            } else {
                break;
            }
        }
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

bool is_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

bool read_string(Cursor& c, std::string& out, std::string& error) {
    const char quote = c.peek();
    c.advance();
    while (!c.done() && c.peek() != quote) {
        if (c.peek() == '\n') break;
        char ch = c.peek();
        c.advance();
        if (quote == '"' && ch == '\\') {
            if (c.done()) break;  // "unterminated string" below
            const char esc = c.peek();
            c.advance();
            switch (esc) {
                case 'n': ch = '\n'; break;
                case 't': ch = '\t'; break;
                case '"': ch = '"'; break;
                case '\\': ch = '\\'; break;
                default: error = "unsupported escape \\" + std::string(1, esc); return false;
            }
        }
        out += ch;
    }
    if (c.peek() != quote) {
        error = "unterminated string";
        return false;
    }
    c.advance();
    return true;
}

bool read_bare(Cursor& c, std::string& out, std::string& error) {
    while (!c.done() && (std::isalnum(static_cast<unsigned char>(c.peek())) || c.peek() == '.' ||
                         c.peek() == '-' || c.peek() == '+' || c.peek() == '_'))
        out += c.peek(), c.advance();
    if (out.empty()) error = "expected a value";
    return !out.empty();
}

bool read_scalar(Cursor& c, std::string& out, std::string& error) {
    if (c.peek() == '"' || c.peek() == '\'') return read_string(c, out, error);
    return read_bare(c, out, error);
}

bool read_entry(Cursor& c, CfgEntry& entry, std::string& error) {
    while (is_key_char(c.peek())) entry.key += c.peek(), c.advance();
    if (entry.key.empty()) {
        error = "expected a key";
        return false;
    }
    c.skip_space(false);
    if (c.peek() != '=') {
        error = "expected '=' after " + entry.key;
        return false;
    }
    c.advance();
    c.skip_space(false);
    if (c.peek() != '[') {
        entry.values.emplace_back();
        return read_scalar(c, entry.values.back(), error);
    }
    entry.is_list = true;
    c.advance();
    for (;;) {
        c.skip_space(true);
        if (c.peek() == ']') break;
        entry.values.emplace_back();
        if (!read_scalar(c, entry.values.back(), error)) return false;
        c.skip_space(true);
        if (c.peek() == ',') {
            c.advance();
            continue;
        }
        if (c.peek() != ']') {
            error = "expected ',' or ']' in list " + entry.key;
            return false;
        }
    }
    c.advance();
    return true;
}

}  // namespace

CfgParseResult parse_cfg(std::string_view text) {
    CfgParseResult result;
    Cursor c(text);
    for (;;) {
        c.skip_space(true);
        if (c.done()) break;
        CfgEntry entry;
        entry.line = c.line();
        std::string error;
        if (!read_entry(c, entry, error)) {
            result.error = "line " + std::to_string(c.line()) + ": " + error;
            return result;
        }
        c.skip_space(false);
        if (!c.done() && c.peek() != '\n') {
            result.error = "line " + std::to_string(c.line()) + ": unexpected text after the value of " + entry.key;
            return result;
        }
        result.entries.push_back(std::move(entry));
    }
    return result;
}

}  // namespace gh::options
