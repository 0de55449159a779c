#include "pages/template_parser.hpp"

#include <algorithm>
#include <charconv>

#include "pages/template_functions.hpp"
#include "pages/template_lexer.hpp"

namespace gh::pages {
namespace {

using lex::Piece;
using lex::Token;
using K = Token::Kind;
using tree::Node;

Failure<Error> fail(int line, std::string reason) {
    return failure(ErrorCode::malformed, std::move(reason), line);
}

// Deeper nesting than any page needs is refused, so that parsing cannot exhaust the stack.
constexpr int kMaxNesting = 100;

// Parses one action's tokens into a pipeline.
class PipelineParser {
public:
    PipelineParser(const std::vector<Token>& t, std::size_t start, int line, int depth = 0)
        : t_(t), i_(start), line_(line), depth_(depth) {}

    Result<tree::Pipeline> pipeline(bool allow_declaration, bool in_parens) {
        tree::Pipeline p;
        if (allow_declaration) declaration(p);
        for (;;) {
            tree::Command cmd;
            while (i_ < t_.size() && t_[i_].kind != K::pipe && t_[i_].kind != K::close) {
                auto operand = this->operand();
                if (!operand) return failure(operand.error());
                cmd.operands.push_back(std::move(*operand));
            }
            if (cmd.operands.empty()) return fail(line_, "missing value for command");
            if (cmd.operands.size() > 1 && cmd.operands[0].kind != tree::Operand::Kind::function)
                return fail(line_, "can't give argument to non-function");
            for (std::size_t k = 1; k < cmd.operands.size(); ++k)
                if (cmd.operands[k].kind == tree::Operand::Kind::function &&
                    !function_takes_no_arguments(cmd.operands[k].name))
                    return fail(line_, "function " + cmd.operands[k].name + " used as an argument needs parentheses");
            p.commands.push_back(std::move(cmd));
            if (i_ < t_.size() && t_[i_].kind == K::pipe) {
                ++i_;
                continue;
            }
            break;
        }
        if (i_ < t_.size() && t_[i_].kind == K::close && !in_parens) return fail(line_, "unexpected right paren");
        if (!in_parens && i_ != t_.size()) return fail(line_, "unexpected " + t_[i_].text + " in action");
        return p;
    }

    std::size_t position() const { return i_; }

private:
    void declaration(tree::Pipeline& p) {
        // $x := …, $x = …, $i, $e := …
        std::size_t j = i_;
        std::vector<std::string> names;
        while (j < t_.size() && t_[j].kind == K::variable) {
            names.push_back(t_[j].text);
            ++j;
            if (j < t_.size() && t_[j].kind == K::comma)
                ++j;
            else
                break;
        }
        if (names.empty() || j >= t_.size() || (t_[j].kind != K::declare && t_[j].kind != K::assign)) return;
        p.assigns = t_[j].kind == K::assign;
        p.variables = std::move(names);
        i_ = j + 1;
    }

    // The fields joined to an operand: .A.B, $x.A, (…).A; a field after a space is the next operand.
    std::vector<std::string> fields(bool first_may_stand_apart = false) {
        std::vector<std::string> out;
        while (i_ < t_.size() && t_[i_].kind == K::field && (t_[i_].joined || (first_may_stand_apart && out.empty())))
            out.push_back(t_[i_++].text);
        return out;
    }

    Result<tree::Operand> operand() {
        using O = tree::Operand::Kind;
        const Token& t = t_[i_++];
        tree::Operand op;
        switch (t.kind) {
            case K::dot:
                op.kind = O::dot;
                break;
            case K::field:
                op.kind = O::dot;
                --i_;
                op.fields = fields(true);
                return op;
            case K::variable:
                op.kind = O::variable;
                op.name = t.text;
                break;
            case K::string:
                op.kind = O::literal;
                op.literal = t.text;
                break;
            case K::number: {
                std::int64_t n = 0;
                const char* b = t.text.data() + (t.text.starts_with('+') ? 1 : 0);
                const auto [end, ec] = std::from_chars(b, t.text.data() + t.text.size(), n);
                if (ec != std::errc{} || end != t.text.data() + t.text.size())
                    return fail(line_, "unsupported number " + t.text + " (integers only)");
                op.kind = O::literal;
                op.literal = n;
                break;
            }
            case K::identifier:
                if (t.text == "true" || t.text == "false") {
                    op.kind = O::literal;
                    op.literal = t.text == "true";
                } else if (t.text == "nil") {
                    op.kind = O::literal;
                } else if (is_function(t.text)) {
                    op.kind = O::function;
                    op.name = t.text;
                } else {
                    return fail(line_, "function \"" + t.text + "\" not defined");
                }
                return op;
            case K::open: {
                if (depth_ >= kMaxNesting) return fail(line_, "parentheses nested too deeply");
                PipelineParser inner(t_, i_, line_, depth_ + 1);
                auto sub = inner.pipeline(false, true);
                if (!sub) return failure(sub.error());
                i_ = inner.position();
                if (i_ >= t_.size() || t_[i_].kind != K::close) return fail(line_, "unclosed left paren");
                ++i_;
                op.kind = O::pipeline;
                op.sub = std::make_shared<const tree::Pipeline>(std::move(*sub));
                break;
            }
            default:
                return fail(line_, "unexpected \"" + t.text + "\" in operand");
        }
        op.fields = fields();
        return op;
    }

    const std::vector<Token>& t_;
    std::size_t i_;
    int line_;
    int depth_;
};

class Parser {
public:
    Parser(std::vector<Piece> pieces, tree::Templates& into, int last_line)
        : p_(std::move(pieces)), into_(into), last_line_(last_line) {}

    Result<void> run(std::string_view name) {
        auto body = list(true);
        if (!body) return failure(body.error());
        if (end_ != End::none) return fail(end_line_, "unexpected {{" + std::string(end_word_) + "}}");
        bool blank = true;
        for (const auto& n : *body)
            if (n.kind != Node::Kind::text || n.text.find_first_not_of(" \t\r\n") != std::string::npos) blank = false;
        if (!blank || !into_.contains(name))
            into_[std::string(name)] = std::make_shared<const tree::List>(std::move(*body));
        return {};
    }

private:
    enum class End { none, end, else_ };

    Result<tree::Pipeline> pipe(const Piece& a, std::size_t from, bool declare) {
        PipelineParser pp(a.tokens, from, a.line);
        return pp.pipeline(declare, false);
    }

    // Nodes until {{end}} or {{else…}} (recorded in end_) or the input's end.
    Result<tree::List> list(bool top) {
        tree::List out;
        end_ = End::none;
        if (++nesting_ > kMaxNesting)
            return fail(i_ < p_.size() ? p_[i_].line : last_line_, "actions nested too deeply");
        struct Leave {
            int& n;
            ~Leave() { --n; }
        } leave{nesting_};
        while (i_ < p_.size()) {
            const Piece& piece = p_[i_++];
            if (!piece.is_action) {
                out.push_back({.kind = Node::Kind::text, .text = piece.text, .line = piece.line});
                continue;
            }
            const Token& first = piece.tokens[0];
            const std::string word = first.kind == K::identifier ? first.text : "";
            if (word == "end" || word == "else") {
                if (top) return fail(piece.line, "unexpected {{" + word + "}}");
                end_ = word == "end" ? End::end : End::else_;
                end_word_ = word;
                end_line_ = piece.line;
                if (word == "end" && piece.tokens.size() > 1) return fail(piece.line, "unexpected tokens after end");
                return out;
            }
            if (word == "define") {
                if (!top) return fail(piece.line, "define inside another action");
                if (auto r = define(piece); !r) return failure(r.error());
                continue;
            }
            auto node = action(piece, word);
            if (!node) return failure(node.error());
            out.push_back(std::move(*node));
        }
        if (!top) return fail(last_line_, "unexpected EOF: missing {{end}}");
        return out;
    }

    Result<std::string> name_of(const Piece& a, std::string_view what) {
        if (a.tokens.size() < 2 || a.tokens[1].kind != K::string)
            return fail(a.line, std::string(what) + " needs a quoted template name");
        return a.tokens[1].text;
    }

    Result<void> define(const Piece& a) {
        auto name = name_of(a, "define");
        if (!name) return failure(name.error());
        if (a.tokens.size() != 2) return fail(a.line, "unexpected tokens after define's name");
        auto body = list(false);
        if (!body) return failure(body.error());
        if (end_ != End::end) return fail(end_line_, "unexpected {{else}} in define");
        end_ = End::none;
        into_[*name] = std::make_shared<const tree::List>(std::move(*body));
        return {};
    }

    Result<Node> action(const Piece& a, const std::string& word) {
        Node n{.line = a.line};
        if (word == "if" || word == "range" || word == "with") return branch(a, word);
        if (word == "break" || word == "continue") {
            if (loops_ == 0) return fail(a.line, "{{" + word + "}} outside {{range}}");
            n.kind = word == "break" ? Node::Kind::break_ : Node::Kind::continue_;
            return n;
        }
        if (word == "template" || word == "block") {
            auto name = name_of(a, word);
            if (!name) return failure(name.error());
            n.kind = Node::Kind::call;
            n.text = *name;
            if (a.tokens.size() > 2) {
                auto p = pipe(a, 2, false);
                if (!p) return failure(p.error());
                n.pipe = std::move(*p);
                n.has_pipe = true;
            }
            if (word == "block") {
                if (!n.has_pipe) return fail(a.line, "block needs a pipeline");
                auto body = list(false);
                if (!body) return failure(body.error());
                if (end_ != End::end) return fail(end_line_, "unexpected {{else}} in block");
                end_ = End::none;
                into_[*name] = std::make_shared<const tree::List>(std::move(*body));
            }
            return n;
        }
        auto p = pipe(a, 0, true);
        if (!p) return failure(p.error());
        n.kind = Node::Kind::action;
        n.pipe = std::move(*p);
        n.has_pipe = true;
        return n;
    }

    // if/range/with and their else branches; `else if`/`else with` nest as the else branch's only node.
    Result<Node> branch(const Piece& a, const std::string& word, std::size_t from = 1) {
        Node n{.kind = word == "if"      ? Node::Kind::if_
                       : word == "range" ? Node::Kind::range
                                         : Node::Kind::with,
               .line = a.line};
        if (from >= a.tokens.size()) return fail(a.line, "missing value for " + word);
        auto p = pipe(a, from, true);
        if (!p) return failure(p.error());
        n.pipe = std::move(*p);
        n.has_pipe = true;
        if (n.kind == Node::Kind::range) ++loops_;
        auto body = list(false);
        if (n.kind == Node::Kind::range) --loops_;
        if (!body) return failure(body.error());
        n.body = std::move(*body);
        if (end_ == End::else_) {
            const Piece& e = p_[i_ - 1];
            if (e.tokens.size() > 1) {
                const std::string next = e.tokens[1].kind == K::identifier ? e.tokens[1].text : "";
                if (next != "if" && next != "with") return fail(e.line, "unexpected tokens after else");
                auto chained = branch(e, next, 2);  // consumes the shared {{end}}
                if (!chained) return failure(chained.error());
                n.otherwise.push_back(std::move(*chained));
                return n;
            }
            auto other = list(false);
            if (!other) return failure(other.error());
            if (end_ != End::end) return fail(end_line_, "expected {{end}} after {{else}}");
            n.otherwise = std::move(*other);
        }
        end_ = End::none;
        return n;
    }

    std::vector<Piece> p_;
    tree::Templates& into_;
    std::size_t i_ = 0;
    End end_ = End::none;
    std::string end_word_;
    int end_line_ = 0;
    int loops_ = 0;
    int last_line_;
    int nesting_ = 0;
};

bool calls_known(const tree::List& list, const tree::Templates& all, std::string& missing, int& line) {
    for (const auto& n : list) {
        if (n.kind == Node::Kind::call && !all.contains(n.text)) {
            missing = n.text;
            line = n.line;
            return false;
        }
        if (!calls_known(n.body, all, missing, line) || !calls_known(n.otherwise, all, missing, line)) return false;
    }
    return true;
}

}  // namespace

Result<void> parse_template(std::string_view name, std::string_view source, tree::Templates& into) {
    auto pieces = lex::split(source);
    if (!pieces) return failure(pieces.error());
    const int last_line = 1 + static_cast<int>(std::count(source.begin(), source.end(), '\n'));
    Parser parser(std::move(*pieces), into, last_line);
    return parser.run(name);
}

Result<void> check_calls(const tree::Templates& templates) {
    for (const auto& [name, list] : templates) {
        std::string missing;
        int line = 0;
        if (!calls_known(*list, templates, missing, line))
            return fail(line, "template \"" + name + "\" calls \"" + missing + "\", which is not defined");
    }
    return {};
}

}  // namespace gh::pages
