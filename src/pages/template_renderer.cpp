#include "pages/template_renderer.hpp"

#include <vector>

#include "pages/template_functions.hpp"

namespace gh::pages {
namespace {

constexpr int kMaxDepth = 64;

enum class Flow { next, break_, continue_, failed };

class Renderer {
public:
    Renderer(const tree::Templates& templates, ContextualWriter& out) : templates_(templates), out_(out) {}

    bool call(std::string_view name, const Value& dot) {
        const auto it = templates_.find(name);
        if (it == templates_.end() || ++depth_ > kMaxDepth) return false;
        // A called template sees only its own $ (Go: variables do not cross {{template}}).
        std::vector<std::pair<std::string, Value>> saved;
        saved.swap(vars_);
        vars_.emplace_back("$", dot);
        const Flow f = list(*it->second, dot);
        vars_.swap(saved);
        --depth_;
        return f != Flow::failed;
    }

private:
    Value field_of(Value v, const std::vector<std::string>& fields) const {
        for (const auto& f : fields) {
            const auto* m = v.map();
            if (!m) return {};
            const auto it = m->find(f);
            if (it == m->end()) return {};
            v = it->second;
        }
        return v;
    }

    Value variable(std::string_view name) const {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == name) return it->second;
        return {};
    }

    Value operand(const tree::Operand& op, const Value& dot) {
        using K = tree::Operand::Kind;
        switch (op.kind) {
            case K::dot:
                return field_of(dot, op.fields);
            case K::variable:
                return field_of(variable(op.name), op.fields);
            case K::literal:
                return op.literal;
            case K::function:
                return call_function(op.name, {});
            case K::pipeline:
                return field_of(pipeline(*op.sub, dot), op.fields);
        }
        return {};
    }

    // `printed_html`: a final `html` command only prints; the contextual escaper escapes the result once,
    // where Go's html/template also keeps a value from being escaped twice.
    Value pipeline(const tree::Pipeline& p, const Value& dot, bool printed_html = false) {
        Value result;
        bool piped = false;
        for (const auto& cmd : p.commands) {
            const bool last = &cmd == &p.commands.back();
            const auto& first = cmd.operands.front();
            if (first.kind == tree::Operand::Kind::function) {
                std::vector<Value> args;
                for (std::size_t i = 1; i < cmd.operands.size(); ++i) args.push_back(operand(cmd.operands[i], dot));
                if (piped) args.push_back(result);
                result = call_function(printed_html && last && first.name == "html" ? "print" : first.name, args);
            } else {
                result = operand(first, dot);  // a piped value into a non-function is dropped
            }
            piped = true;
        }
        return result;
    }

    void bind(const tree::Pipeline& p, const Value& v) {
        if (p.variables.empty()) return;
        if (p.assigns) {
            for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
                if (it->first == p.variables.front()) {
                    it->second = v;
                    return;
                }
        }
        vars_.emplace_back(p.variables.front(), v);
    }

    Flow list(const tree::List& nodes, const Value& dot) {
        const std::size_t scope = vars_.size();
        Flow f = Flow::next;
        for (const auto& n : nodes) {
            f = node(n, dot);
            if (f != Flow::next) break;
        }
        vars_.resize(scope);
        return f;
    }

    Flow node(const tree::Node& n, const Value& dot) {
        using K = tree::Node::Kind;
        switch (n.kind) {
            case K::text:
                out_.text(n.text);
                return Flow::next;
            case K::action: {
                const Value v = pipeline(n.pipe, dot, n.pipe.variables.empty());
                if (n.pipe.variables.empty())
                    out_.value(v);
                else
                    bind(n.pipe, v);
                return Flow::next;
            }
            case K::if_: {
                const std::size_t scope = vars_.size();
                const Value v = pipeline(n.pipe, dot);
                bind(n.pipe, v);
                const Flow f = list(truthy(v) ? n.body : n.otherwise, dot);
                vars_.resize(scope);
                return f;
            }
            case K::with: {
                const std::size_t scope = vars_.size();
                const Value v = pipeline(n.pipe, dot);
                bind(n.pipe, v);
                const Flow f = truthy(v) ? list(n.body, v) : list(n.otherwise, dot);
                vars_.resize(scope);
                return f;
            }
            case K::range:
                return range(n, dot);
            case K::call:
                return call(n.text, n.has_pipe ? pipeline(n.pipe, dot) : Value{}) ? Flow::next : Flow::failed;
            case K::break_:
                return Flow::break_;
            case K::continue_:
                return Flow::continue_;
        }
        return Flow::next;
    }

    Flow range(const tree::Node& n, const Value& dot) {
        const Value v = pipeline(n.pipe, dot);
        std::vector<std::pair<Value, Value>> items;  // key or index, element
        if (const auto* l = v.list())
            for (std::size_t i = 0; i < l->size(); ++i) items.emplace_back(static_cast<std::int64_t>(i), (*l)[i]);
        else if (const auto* m = v.map())
            for (const auto& [k, e] : *m) items.emplace_back(k, e);
        else if (const auto* count = v.integer())
            for (std::int64_t i = 0; i < *count && i < 10000; ++i) items.emplace_back(i, i);
        if (items.empty()) return list(n.otherwise, dot);
        for (const auto& [key, element] : items) {
            const std::size_t scope = vars_.size();
            if (n.pipe.variables.size() == 1) vars_.emplace_back(n.pipe.variables[0], element);
            if (n.pipe.variables.size() >= 2) {
                vars_.emplace_back(n.pipe.variables[0], key);
                vars_.emplace_back(n.pipe.variables[1], element);
            }
            const Flow f = list(n.body, element);
            vars_.resize(scope);
            if (f == Flow::failed) return f;
            if (f == Flow::break_) break;
        }
        return Flow::next;
    }

    const tree::Templates& templates_;
    ContextualWriter& out_;
    std::vector<std::pair<std::string, Value>> vars_;
    int depth_ = 0;
};

}  // namespace

bool render_template(const tree::Templates& templates, std::string_view name, const Value& data,
                     ContextualWriter& out) {
    Renderer r(templates, out);
    return r.call(name, data);
}

}  // namespace gh::pages
