#include "pages/template_functions.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "text/percent.hpp"

namespace gh::pages {
namespace {

constexpr std::array kFunctions{"and", "eq",  "ge", "gt",    "html",   "js",      "le",       "len",     "lt",
                                "ne",  "not", "or", "print", "printf", "println", "urlquery", "ToLower", "ToUpper"};

// -1, 0, 1 for comparable values (two integers or two strings); nullopt otherwise.
std::optional<int> compare(const Value& a, const Value& b) {
    if (a.integer() && b.integer()) return *a.integer() < *b.integer() ? -1 : *a.integer() > *b.integer() ? 1 : 0;
    const std::string* as = a.string() ? a.string() : a.html() ? &a.html()->text : nullptr;
    const std::string* bs = b.string() ? b.string() : b.html() ? &b.html()->text : nullptr;
    if (as && bs) return as->compare(*bs) < 0 ? -1 : as->compare(*bs) > 0 ? 1 : 0;
    if (a.boolean() && b.boolean()) return *a.boolean() == *b.boolean() ? 0 : 1;
    if (a.is_nil() && b.is_nil()) return 0;
    return std::nullopt;
}

std::string sprint(std::span<const Value> args, bool spaces_always) {
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        // fmt.Sprint adds a space between operands when neither is a string; Sprintln always does.
        if (i > 0 && (spaces_always || (!args[i].string() && !args[i - 1].string()))) out += ' ';
        out += to_text(args[i]);
    }
    return out;
}

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out + '"';
}

// fmt.Sprintf for the verbs templates use: %s %v %d %q %%.
std::string sprintf(std::span<const Value> args) {
    if (args.empty() || !args[0].string()) return {};
    const std::string& format = *args[0].string();
    std::string out;
    std::size_t next = 1;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 == format.size()) {
            out += format[i];
            continue;
        }
        const char verb = format[++i];
        if (verb == '%') {
            out += '%';
            continue;
        }
        if (next >= args.size()) {
            out += "%!";
            out += verb;
            out += "(MISSING)";
            continue;
        }
        const Value& v = args[next++];
        out += verb == 'q' ? quote(to_text(v)) : to_text(v);
    }
    return out;
}

std::size_t length(const Value& v) {
    if (auto s = v.string()) return s->size();
    if (auto h = v.html()) return h->text.size();
    if (auto l = v.list()) return l->size();
    if (auto m = v.map()) return m->size();
    return 0;
}

std::string cased(const Value& v, int (*f)(int)) {
    std::string s = to_text(v);
    std::transform(s.begin(), s.end(), s.begin(), [f](unsigned char c) { return static_cast<char>(f(c)); });
    return s;
}

}  // namespace

bool truthy(const Value& v) {
    if (v.is_nil()) return false;
    if (auto b = v.boolean()) return *b;
    if (auto i = v.integer()) return *i != 0;
    return length(v) > 0;
}

std::string to_text(const Value& v) {
    if (auto s = v.string()) return *s;
    if (auto h = v.html()) return h->text;
    if (auto i = v.integer()) return std::to_string(*i);
    if (auto b = v.boolean()) return *b ? "true" : "false";
    if (auto l = v.list()) return "[" + sprint(*l, true) + "]";
    if (auto m = v.map()) {
        std::string out = "map[";
        for (const auto& [k, val] : *m) out += (out.size() > 4 ? " " : "") + k + ":" + to_text(val);
        return out + "]";
    }
    return {};
}

bool is_function(std::string_view name) {
    return std::find(kFunctions.begin(), kFunctions.end(), name) != kFunctions.end();
}

bool function_takes_no_arguments(std::string_view) {
    return false;
}

Value call_function(std::string_view name, std::span<const Value> a) {
    if (name == "and") {
        for (const auto& v : a)
            if (!truthy(v)) return v;
        return a.empty() ? Value{} : a.back();
    }
    if (name == "or") {
        for (const auto& v : a)
            if (truthy(v)) return v;
        return a.empty() ? Value{} : a.back();
    }
    if (name == "not") return a.size() == 1 && !truthy(a[0]);
    if (name == "len") return a.size() == 1 ? static_cast<std::int64_t>(length(a[0])) : 0;
    if (name == "eq") {
        // eq x a b c: x equals any of the others.
        for (std::size_t i = 1; i < a.size(); ++i)
            if (compare(a[0], a[i]) == 0) return true;
        return false;
    }
    if (a.size() == 2 && (name == "ne" || name == "lt" || name == "le" || name == "gt" || name == "ge")) {
        const auto c = compare(a[0], a[1]);
        if (!c) return name == "ne";
        if (name == "ne") return *c != 0;
        if (name == "lt") return *c < 0;
        if (name == "le") return *c <= 0;
        if (name == "gt") return *c > 0;
        return *c >= 0;
    }
    if (name == "print") return sprint(a, false);
    if (name == "println") return sprint(a, true) + "\n";
    if (name == "printf") return sprintf(a);
    if (name == "html") return html_escape(sprint(a, false));
    if (name == "js") return js_string_escape(sprint(a, false));
    if (name == "urlquery") return query_escape(sprint(a, false));
    if (name == "ToUpper" && a.size() == 1) return cased(a[0], ::toupper);
    if (name == "ToLower" && a.size() == 1) return cased(a[0], ::tolower);
    return {};
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '+':
                out += "&#43;";
                break;
            case '\0':
                out += "\xEF\xBF\xBD";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string js_string_escape(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        // U+2028 and U+2029 end a line in JavaScript before ES2019.
        if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
            out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
            i += 2;
            continue;
        }
        switch (c) {
            case '\\':
                out += "\\\\";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\t':
                out += "\\t";
                continue;
            default:
                break;
        }
        // Quotes, markup and template-literal characters as \u escapes: the value can neither end its string
        // nor the <script> element nor an HTML attribute around it.
        if (c < 0x20 || c == '"' || c == '\'' || c == '<' || c == '>' || c == '&' || c == '=' || c == '`' || c == '$' ||
            c == '{' || c == '}' || c == '+' || c == '/') {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
            continue;
        }
        out += static_cast<char>(c);
    }
    return out;
}

std::string js_regex_escape(std::string_view s) {
    // Inside a regex literal a value matches itself: its metacharacters escaped, the runs between them as in a
    // string (whole runs, so a multi-byte line separator is still seen). An empty value would make "//" a comment,
    // so it becomes the empty group.
    if (s.empty()) return "(?:)";
    static constexpr std::string_view kMeta = ".*?()|[]^";
    std::string out;
    std::size_t run = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i < s.size() && kMeta.find(s[i]) == std::string_view::npos) continue;
        out += js_string_escape(s.substr(run, i - run));
        if (i < s.size()) {
            out += '\\';
            out += s[i];
        }
        run = i + 1;
    }
    return out;
}

std::string query_escape(std::string_view s) {
    return text::percent_encode(s);
}

}  // namespace gh::pages
