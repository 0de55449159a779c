// Log line templates (oauth2-proxy's --*-logging-format) and the escaping that keeps every line one line.
#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>

#include "observe/line_template.hpp"
#include "observe/log_text.hpp"
#include "observe/logs.hpp"

namespace gh::observe {
namespace {

constexpr std::array<std::string_view, 3> kFields = {"Client", "Username", "Message"};

std::string render(const LineTemplate& t) {
    std::string out;
    t.render(out, [](int field, std::string& o) { o += "<" + std::to_string(field) + ">"; });
    return out;
}

TEST(LineTemplate, FieldsBecomeTheirValuesAndTextStays) {
    std::string error;
    const auto t = LineTemplate::compile("{{.Client}} - {{.Username}} [x] {{.Message}}!", kFields, error);
    ASSERT_TRUE(t) << error;
    EXPECT_EQ(render(*t), "<0> - <1> [x] <2>!");
}

TEST(LineTemplate, SpacesAndGoTrimMarkersAreUnderstood) {
    std::string error;
    const auto t = LineTemplate::compile("a  {{- .Client -}}  b {{ .Message }}", kFields, error);
    ASSERT_TRUE(t) << error;
    EXPECT_EQ(render(*t), "a<0>b <2>");
}

TEST(LineTemplate, UnknownFieldsAndActionsAreRefusedWithWhatIsKnown) {
    std::string error;
    EXPECT_FALSE(LineTemplate::compile("{{.Nope}}", kFields, error));
    EXPECT_EQ(error, "unknown field {{.Nope}}; known: Client, Username, Message");
    EXPECT_FALSE(LineTemplate::compile("{{if .Client}}x{{end}}", kFields, error));
    EXPECT_EQ(error, "{{if .Client}} is not a field reference such as {{.Timestamp}}");
    EXPECT_FALSE(LineTemplate::compile("{{.Client", kFields, error));
    EXPECT_EQ(error, "unclosed {{ in the template");
}

TEST(LineTemplate, OauthProxyDefaultFormatsCompile) {
    EXPECT_EQ(check_format(kDefaultRequestFormat, request_fields()), "");
    EXPECT_EQ(check_format(kDefaultAuthFormat, auth_fields()), "");
    EXPECT_EQ(check_format(kDefaultStandardFormat, standard_fields()), "");
    EXPECT_NE(check_format("{{.StatusCode}}", auth_fields()), "");  // a request field is not an auth field
}

TEST(LogText, ControlCharactersAndQuotesCannotEndTheLine) {
    std::string out;
    append_log_text(out, "a\"b\nc\\d\x01");
    EXPECT_EQ(out, "a\\x22b\\x0ac\\x5cd\\x01");
    out.clear();
    append_log_text(out, std::string(600, 'x'), 512);
    EXPECT_EQ(out.size(), 515u);  // cut, with "..."
}

TEST(JsonString, EveryInputGivesValidJson) {
    const std::string inputs[] = {"plain", "quote\" backslash\\ nl\n tab\t", std::string("nul\0x", 5),
                                  "\xff\xfe bad utf-8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", "\xc3",
                                  "\xed\xa0\x80 surrogate", "\xc0\xaf overlong"};
    for (const auto& in : inputs) {
        std::string out;
        append_json_string(out, in);
        const auto parsed = nlohmann::json::parse(out, nullptr, false);
        ASSERT_FALSE(parsed.is_discarded()) << out;
        ASSERT_TRUE(parsed.is_string());
    }
    std::string good;
    append_json_string(good, "caf\xc3\xa9");
    EXPECT_EQ(nlohmann::json::parse(good).get<std::string>(), "caf\xc3\xa9");  // valid UTF-8 kept as is
    std::string bad;
    append_json_string(bad, "\xff");
    EXPECT_EQ(bad, "\"\\ufffd\"");
}

}  // namespace
}  // namespace gh::observe
