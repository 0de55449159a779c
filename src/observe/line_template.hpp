#pragma once
// oauth2-proxy's --*-logging-format templates: text with {{.Field}} placeholders. Operators who migrate keep
// their format strings (and whatever parses their logs). Only plain field references are supported, the
// form every documented example uses; anything else is refused at start-up, naming the flag.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::observe {

class LineTemplate {
public:
    // `fields`: the names a placeholder may use, in the order render() numbers them. On failure `error`
    // says what is wrong (unknown field, unclosed or unsupported action).
    static std::optional<LineTemplate> compile(std::string_view text, std::span<const std::string_view> fields,
                                               std::string& error);

    // Appends the line to `out`; `value(index, out)` appends the field numbered `index`.
    template <class AppendField>
    void render(std::string& out, AppendField&& value) const {
        for (const auto& part : parts_) {
            out += part.literal;
            if (part.field >= 0) value(part.field, out);
        }
    }

private:
    struct Part {
        std::string literal;
        int field = -1;  // none: a trailing literal
    };
    std::vector<Part> parts_;
};

}  // namespace gh::observe
