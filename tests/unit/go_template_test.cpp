// The Go template language as oauth2-proxy's templates use it: each construct, and parse errors with lines.
#include <gtest/gtest.h>

#include "pages/html_context.hpp"
#include "pages/template_parser.hpp"
#include "pages/template_renderer.hpp"

using namespace gh::pages;

namespace {

std::string render(std::string_view source, ValueMap data = {}, std::string_view name = "t") {
    tree::Templates set;
    const auto parsed = parse_template("t", source, set);
    if (!parsed) return "PARSE ERROR: " + gh::describe(parsed.error());
    if (const auto calls = check_calls(set); !calls) return "CALL ERROR: " + gh::describe(calls.error());
    std::string out;
    ContextualWriter writer(out);
    if (!render_template(set, name, Value(std::move(data)), writer)) return "RENDER FAILED";
    return out;
}

std::string parse_error(std::string_view source) {
    tree::Templates set;
    const auto parsed = parse_template("t", source, set);
    if (parsed) {
        const auto calls = check_calls(set);
        return calls ? "" : gh::describe(calls.error());
    }
    return gh::describe(parsed.error());
}

}  // namespace

TEST(GoTemplate, FieldsAndNestedFields) {
    EXPECT_EQ(render("a {{.Name}} b {{.User.Email}} c {{.Missing}}{{.Name.Deeper}} d",
                     {{"Name", "x"}, {"User", ValueMap{{"Email", "u@example.com"}}}}),
              "a x b u@example.com c  d");
}

TEST(GoTemplate, IfElseIfElseWithGoTruthiness) {
    const std::string t = "{{if .A}}a{{else if .B}}b{{else}}none{{end}}";
    EXPECT_EQ(render(t, {{"A", "x"}}), "a");
    EXPECT_EQ(render(t, {{"A", ""}, {"B", 1}}), "b");
    EXPECT_EQ(render(t, {{"A", 0}, {"B", false}}), "none");
    EXPECT_EQ(render(t, {{"A", ValueList{}}, {"B", ValueMap{}}}), "none");
    EXPECT_EQ(render(t, {{"A", ValueList{Value(0)}}}), "a");
    EXPECT_EQ(render(t, {}), "none");
}

TEST(GoTemplate, EqWithSeveralArgumentsIsTrueWhenAnyMatches) {
    const std::string t = "{{if eq .StatusCode 400 401}}alert{{else}}quiet{{end}}";
    EXPECT_EQ(render(t, {{"StatusCode", 400}}), "alert");
    EXPECT_EQ(render(t, {{"StatusCode", 401}}), "alert");
    EXPECT_EQ(render(t, {{"StatusCode", 200}}), "quiet");
    EXPECT_EQ(render("{{if eq .Footer \"-\"}}none{{else if eq .Footer \"\"}}default{{else}}{{.Footer}}{{end}}",
                     {{"Footer", "-"}}),
              "none");
    EXPECT_EQ(render("{{if eq .Footer \"-\"}}none{{else if eq .Footer \"\"}}default{{else}}{{.Footer}}{{end}}",
                     {{"Footer", ""}}),
              "default");
}

TEST(GoTemplate, ComparisonsAndLogic) {
    ValueMap d{{"N", 3}, {"S", "b"}, {"E", ""}};
    EXPECT_EQ(render("{{if ne .N 4}}1{{end}}{{if lt .N 4}}2{{end}}{{if le .N 3}}3{{end}}{{if gt .N 2}}4{{end}}"
                     "{{if ge .N 4}}5{{end}}{{if lt .S \"c\"}}6{{end}}",
                     d),
              "12346");
    EXPECT_EQ(render("{{if and .N .S}}and{{end}} {{if or .E .S}}or{{end}} {{if not .E}}not{{end}}", d), "and or not");
    EXPECT_EQ(render("{{or .E \"fallback\"}} {{and .N .S}} {{or .Message .RequestID}}", d), "fallback b ");
    // Unlike kinds are never equal (Go would refuse the comparison).
    EXPECT_EQ(render("{{if eq .N \"3\"}}equal{{else}}different{{end}}", d), "different");
}

TEST(GoTemplate, RangeWithElseIndexesBreakAndContinue) {
    ValueMap d{
        {"L", ValueList{"a", "b", "c", "d"}}, {"Empty", ValueList{}}, {"M", ValueMap{{"k1", "v1"}, {"k2", "v2"}}}};
    EXPECT_EQ(render("{{range .L}}[{{.}}]{{end}}", d), "[a][b][c][d]");
    EXPECT_EQ(render("{{range $i, $e := .L}}{{$i}}={{$e}} {{end}}", d), "0=a 1=b 2=c 3=d ");
    EXPECT_EQ(render("{{range .Empty}}x{{else}}empty{{end}}", d), "empty");
    EXPECT_EQ(render("{{range $k, $v := .M}}{{$k}}:{{$v}};{{end}}", d), "k1:v1;k2:v2;");
    EXPECT_EQ(
        render("{{range .L}}{{if eq . \"b\"}}{{continue}}{{end}}{{if eq . \"d\"}}{{break}}{{end}}{{.}}{{end}}", d),
        "ac");
    EXPECT_EQ(render("{{range $x := .L}}{{$.Title}}{{$x}}{{end}}", {{"Title", "T"}, {"L", ValueList{"1"}}}), "T1");
}

TEST(GoTemplate, WithElseAndVariables) {
    ValueMap d{{"User", ValueMap{{"Name", "ann"}}}, {"None", ""}};
    EXPECT_EQ(render("{{with .User}}hi {{.Name}}{{end}}", d), "hi ann");
    EXPECT_EQ(render("{{with .None}}x{{else}}nobody{{end}}", d), "nobody");
    EXPECT_EQ(render("{{with $u := .User}}{{$u.Name}}{{end}}", d), "ann");
    EXPECT_EQ(render("{{$x := \"one\"}}{{$x}} {{$x = \"two\"}}{{$x}}", d), "one two");
    EXPECT_EQ(render("{{with .User}}{{$.None}}{{.Name}}{{end}}", d), "ann");
}

TEST(GoTemplate, DefineTemplateAndBlock) {
    const std::string t =
        "{{define \"item\"}}[{{.}}]{{end}}{{template \"item\" .Name}}"
        "{{block \"b\" .}}default {{.Name}}{{end}}";
    EXPECT_EQ(render(t, {{"Name", "x"}}), "[x]default x");
    // A file that only defines its own name renders that definition, as ExecuteTemplate("sign_in.html") does.
    EXPECT_EQ(render("{{define \"t\"}}defined {{.A}}{{end}}\n", {{"A", "1"}}), "defined 1");
}

TEST(GoTemplate, CommentsAndTrimMarkers) {
    EXPECT_EQ(render("a {{/* a comment */}} b"), "a  b");
    EXPECT_EQ(render("a  {{- /* gone */ -}}  b"), "ab");
    EXPECT_EQ(render("<p>\n  {{- .X -}}\n</p>", {{"X", "v"}}), "<p>v</p>");
    EXPECT_EQ(render("{{.X}} - {{.X}}", {{"X", "v"}}), "v - v");
}

TEST(GoTemplate, PipelinesAndFunctions) {
    ValueMap d{{"S", "MiXed"}, {"L", ValueList{"a", "b"}}, {"N", 7}};
    EXPECT_EQ(render("{{.S | ToLower}} {{ToUpper .S}} {{len .L}} {{.L | len}}", d), "mixed MIXED 2 2");
    EXPECT_EQ(render("{{printf \"%s-%d%%\" .S .N}} {{print .N .N}} {{print .S .S}}", d), "MiXed-7% 7 7 MiXedMiXed");
    EXPECT_EQ(render("{{urlquery \"a b&c\"}}", d), "a%20b%26c");
    EXPECT_EQ(render("{{js \"it's\"}}", d), "it\\u0027s");
    // `html` at the end of a pipeline does not escape twice.
    EXPECT_EQ(render("{{\"<b>\" | html}}", d), "&lt;b&gt;");
    EXPECT_EQ(render("{{if (eq (len .L) 2)}}two{{end}}", d), "two");
}

TEST(GoTemplate, ParseErrorsNameTheLine) {
    EXPECT_EQ(parse_error("ok\n{{if .A}}\nno end"), "line 3: unexpected EOF: missing {{end}}");
    EXPECT_EQ(parse_error("a\nb\n{{.A | nosuch}}"), "line 3: function \"nosuch\" not defined");
    EXPECT_EQ(parse_error("{{end}}"), "line 1: unexpected {{end}}");
    EXPECT_EQ(parse_error("x\n{{.A"), "line 2: unclosed action");
    EXPECT_EQ(parse_error("{{\"unterminated}}"), "line 1: unterminated quoted string");
    EXPECT_EQ(parse_error("\n\n{{template \"missing\"}}"),
              "line 3: template \"t\" calls \"missing\", which is not defined");
    EXPECT_EQ(parse_error("{{.A .B}}"), "line 1: can't give argument to non-function");
    EXPECT_EQ(parse_error("{{break}}"), "line 1: {{break}} outside {{range}}");
    EXPECT_EQ(parse_error("{{/* open"), "line 1: unclosed comment");
    EXPECT_EQ(parse_error("{{if .A}}{{else}}{{else}}{{end}}"), "line 1: expected {{end}} after {{else}}");
    EXPECT_EQ(parse_error("{{define \"x\"}}{{define \"y\"}}{{end}}{{end}}"), "line 1: define inside another action");
}

TEST(GoTemplate, NestingDeeperThanAPageNeedsIsAParseError) {
    std::string ifs, ends, parens = "{{" + std::string(150, '(') + "1" + std::string(150, ')') + "}}";
    for (int i = 0; i < 150; ++i) {
        ifs += "{{if 1}}";
        ends += "{{end}}";
    }
    EXPECT_EQ(parse_error(ifs + ends), "line 1: actions nested too deeply");
    EXPECT_EQ(parse_error(parens), "line 1: parentheses nested too deeply");
}

TEST(GoTemplate, ATemplateCallingItselfStopsInsteadOfOverflowing) {
    EXPECT_EQ(render("{{define \"loop\"}}x{{template \"loop\"}}{{end}}{{template \"loop\"}}"), "RENDER FAILED");
}
