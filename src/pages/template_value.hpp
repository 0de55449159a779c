#pragma once
// The values a page template reads: Go's html/template sees Go values (strings, ints, bools, template.HTML,
// slices, maps); this is the same small set. `Html` is text the operator wrote as HTML (--footer, --banner, the
// logo), inserted without escaping in HTML text, as oauth2-proxy's template.HTML fields are.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace gh::pages {

struct Html {
    std::string text;
};

struct Value;
using ValueList = std::vector<Value>;
using ValueMap = std::map<std::string, Value, std::less<>>;

struct Value {
    std::variant<std::monostate, bool, std::int64_t, std::string, Html, std::shared_ptr<const ValueList>,
                 std::shared_ptr<const ValueMap>>
        v;

    Value() = default;
    Value(bool b) : v(b) {}
    Value(int i) : v(std::int64_t{i}) {}
    Value(std::int64_t i) : v(i) {}
    Value(std::string s) : v(std::move(s)) {}
    Value(const char* s) : v(std::string(s)) {}
    Value(Html h) : v(std::move(h)) {}
    Value(ValueList l) : v(std::make_shared<const ValueList>(std::move(l))) {}
    Value(ValueMap m) : v(std::make_shared<const ValueMap>(std::move(m))) {}

    bool is_nil() const { return std::holds_alternative<std::monostate>(v); }
    const std::string* string() const { return std::get_if<std::string>(&v); }
    const Html* html() const { return std::get_if<Html>(&v); }
    const std::int64_t* integer() const { return std::get_if<std::int64_t>(&v); }
    const bool* boolean() const { return std::get_if<bool>(&v); }
    const ValueList* list() const {
        auto p = std::get_if<std::shared_ptr<const ValueList>>(&v);
        return p ? p->get() : nullptr;
    }
    const ValueMap* map() const {
        auto p = std::get_if<std::shared_ptr<const ValueMap>>(&v);
        return p ? p->get() : nullptr;
    }
};

// Go's truth: false, 0, "", nil and empty lists and maps are false.
bool truthy(const Value& v);
// fmt.Sprint of one value: what {{.X}} prints before escaping (nil prints nothing).
std::string to_text(const Value& v);

}  // namespace gh::pages
