#include "pages/template_lexer.hpp"

#include <algorithm>

namespace gh::pages::lex {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int line_at(std::string_view s, std::size_t pos) {
    return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

class ActionLexer {
public:
    ActionLexer(std::string_view src, std::size_t pos) : s_(src), p_(pos) {}

    // Tokens up to the closing }} (or -}}); sets `trim_right` and leaves the position after the delimiter.
    Result<std::vector<Token>> run(bool& trim_right) {
        std::vector<Token> out;
        for (;;) {
            const std::size_t before = p_;
            while (p_ < s_.size() && is_space(s_[p_])) {
                if (s_.substr(p_).starts_with(" -}}") || s_.substr(p_).starts_with("\n-}}") ||
                    s_.substr(p_).starts_with("\t-}}") || s_.substr(p_).starts_with("\r-}}")) {
                    trim_right = true;
                    p_ += 4;
                    return out;
                }
                ++p_;
            }
            if (p_ >= s_.size()) return fail("unclosed action");
            if (s_.substr(p_).starts_with("}}")) {
                p_ += 2;
                return out;
            }
            const std::size_t start = p_;
            auto token = next();
            if (!token) return failure(token.error());
            token->joined = start == before && !out.empty();
            out.push_back(std::move(*token));
        }
    }
    std::size_t position() const { return p_; }

private:
    Failure<Error> fail(std::string reason) const {
        return failure(ErrorCode::malformed, std::move(reason), line_at(s_, std::min(p_, s_.size())));
    }

    std::string word() {
        const auto start = p_;
        while (p_ < s_.size() && is_alnum(s_[p_])) ++p_;
        return std::string(s_.substr(start, p_ - start));
    }

    Result<Token> next() {
        const char c = s_[p_];
        using K = Token::Kind;
        if (c == '|') return ++p_, Token{K::pipe, "|"};
        if (c == '(') return ++p_, Token{K::open, "("};
        if (c == ')') return ++p_, Token{K::close, ")"};
        if (c == ',') return ++p_, Token{K::comma, ","};
        if (c == '=') return ++p_, Token{K::assign, "="};
        if (c == ':' && p_ + 1 < s_.size() && s_[p_ + 1] == '=') return p_ += 2, Token{K::declare, ":="};
        if (c == '.') {
            ++p_;
            if (p_ < s_.size() && is_alnum(s_[p_]) && !(s_[p_] >= '0' && s_[p_] <= '9')) return Token{K::field, word()};
            return Token{K::dot, "."};
        }
        if (c == '$') {
            ++p_;
            return Token{K::variable, "$" + word()};
        }
        if (c == '"') return quoted();
        if (c == '`') {
            const auto end = s_.find('`', p_ + 1);
            if (end == std::string_view::npos) return fail("unterminated raw string");
            Token t{K::string, std::string(s_.substr(p_ + 1, end - p_ - 1))};
            p_ = end + 1;
            return t;
        }
        if (c == '\'') {
            if (p_ + 2 < s_.size() && s_[p_ + 2] == '\'') {
                Token t{K::number, std::to_string(static_cast<unsigned char>(s_[p_ + 1]))};
                p_ += 3;
                return t;
            }
            return fail("unsupported character constant");
        }
        if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
            const auto start = p_++;
            while (p_ < s_.size() && is_alnum(s_[p_])) ++p_;
            return Token{K::number, std::string(s_.substr(start, p_ - start))};
        }
        if (is_alnum(c)) return Token{K::identifier, word()};
        return fail(std::string("unexpected character '") + c + "' in action");
    }

    Result<Token> quoted() {
        std::string out;
        for (++p_; p_ < s_.size(); ++p_) {
            char c = s_[p_];
            if (c == '"') {
                ++p_;
                return Token{Token::Kind::string, std::move(out)};
            }
            if (c == '\n') break;
            if (c == '\\' && p_ + 1 < s_.size()) {
                switch (const char e = s_[++p_]) {
                    case 'n':
                        out += '\n';
                        break;
                    case 't':
                        out += '\t';
                        break;
                    case 'r':
                        out += '\r';
                        break;
                    case '\\':
                    case '"':
                    case '\'':
                        out += e;
                        break;
                    default:
                        return fail(std::string("unsupported escape \\") + e + " in string");
                }
                continue;
            }
            out += c;
        }
        return fail("unterminated quoted string");
    }

    std::string_view s_;
    std::size_t p_;
};

}  // namespace

Result<std::vector<Piece>> split(std::string_view s) {
    std::vector<Piece> out;
    std::size_t pos = 0;
    bool trim_next_text = false;
    while (pos <= s.size()) {
        const auto open = s.find("{{", pos);
        std::string_view text = s.substr(pos, open == std::string_view::npos ? std::string_view::npos : open - pos);
        const int text_line = line_at(s, pos);
        std::size_t inner = open + 2;
        bool trim_left = false;
        if (open != std::string_view::npos && inner + 1 < s.size() && s[inner] == '-' && is_space(s[inner + 1])) {
            trim_left = true;
            inner += 2;
        }
        if (trim_next_text)
            while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
        if (trim_left)
            while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
        trim_next_text = false;
        if (!text.empty()) out.push_back({.is_action = false, .text = std::string(text), .line = text_line});
        if (open == std::string_view::npos) break;
        while (trim_left && inner < s.size() && is_space(s[inner])) ++inner;
        if (s.substr(inner).starts_with("/*")) {
            const auto end = s.find("*/", inner + 2);
            if (end == std::string_view::npos)
                return failure(ErrorCode::malformed, "unclosed comment", line_at(s, open));
            std::size_t after = end + 2;
            if (s.substr(after).starts_with("}}")) {
                pos = after + 2;
            } else if (after + 3 < s.size() + 1 && is_space(s[after]) && s.substr(after + 1).starts_with("-}}")) {
                pos = after + 4;
                trim_next_text = true;
            } else {
                return failure(ErrorCode::malformed, "comment ends before closing delimiter", line_at(s, end));
            }
            continue;
        }
        ActionLexer lexer(s, inner);
        bool trim_right = false;
        auto tokens = lexer.run(trim_right);
        if (!tokens) return failure(tokens.error());
        if (tokens->empty()) return failure(ErrorCode::malformed, "missing value for command", line_at(s, open));
        out.push_back({.is_action = true, .tokens = std::move(*tokens), .line = line_at(s, open)});
        pos = lexer.position();
        trim_next_text = trim_right;
    }
    return out;
}

}  // namespace gh::pages::lex
