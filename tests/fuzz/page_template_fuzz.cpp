// Page templates (operator input) and the values rendered into them (attacker input: rd, names): the input is
// "<template>\0<value>". Parsing must fail cleanly or succeed, and rendering must terminate.
#include <cstdint>
#include <string>
#include <string_view>

#include "pages/html_context.hpp"
#include "pages/template_parser.hpp"
#include "pages/template_renderer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto split = input.find('\0');
    const std::string_view source = input.substr(0, split);
    const std::string value(split == std::string_view::npos ? std::string_view{} : input.substr(split + 1));
    gh::pages::tree::Templates set;
    if (!gh::pages::parse_template("t", source, set)) return 0;
    using gh::pages::Value;
    const Value dot(gh::pages::ValueMap{{"A", value},
                                        {"Redirect", value},
                                        {"StatusCode", 401},
                                        {"Footer", gh::pages::Html{value}},
                                        {"L", gh::pages::ValueList{Value(value), Value(1)}}});
    std::string out;
    gh::pages::ContextualWriter writer(out);
    (void)gh::pages::render_template(set, "t", dot, writer);
    return 0;
}
