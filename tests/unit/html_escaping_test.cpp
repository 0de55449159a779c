// Contextual escaping as Go's html/template does it, and the CSP hashes of a page's own inline code.
#include <gtest/gtest.h>

#include "pages/html_context.hpp"
#include "pages/template_parser.hpp"
#include "pages/template_renderer.hpp"

using namespace gh::pages;

namespace {

std::string render(std::string_view source, ValueMap data, InlineHashes* hashes = nullptr) {
    tree::Templates set;
    if (const auto parsed = parse_template("t", source, set); !parsed) return "PARSE ERROR";
    std::string out;
    ContextualWriter writer(out);
    render_template(set, "t", Value(std::move(data)), writer);
    if (hashes) *hashes = writer.hashes();
    return out;
}

const std::string kAttack = "\"><script>alert(1)</script>";

}  // namespace

TEST(HtmlEscaping, TextIsHtmlEscaped) {
    EXPECT_EQ(render("<p>{{.X}}</p>", {{"X", kAttack}}), "<p>&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    EXPECT_EQ(render("<title>{{.X}}</title>", {{"X", "</title><script>"}}),
              "<title>&lt;/title&gt;&lt;script&gt;</title>");
}

TEST(HtmlEscaping, QuotedAndUnquotedAttributesCannotBeLeft) {
    EXPECT_EQ(render("<input value=\"{{.X}}\">", {{"X", kAttack}}),
              "<input value=\"&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">");
    EXPECT_EQ(render("<input value='{{.X}}'>", {{"X", "' onfocus='x"}}), "<input value='&#39; onfocus=&#39;x'>");
    EXPECT_EQ(render("<input value={{.X}}>", {{"X", "a onfocus=x"}}), "<input value=a&#32;onfocus&#61;x>");
}

TEST(HtmlEscaping, UrlAttributesRefuseUnsafeSchemes) {
    const std::string form = "<form action=\"{{.Redirect}}\"></form>";
    EXPECT_EQ(render(form, {{"Redirect", "javascript:alert(1)"}}), "<form action=\"#ZgotmplZ\"></form>");
    EXPECT_EQ(render(form, {{"Redirect", " JavaScript:alert(1)"}}), "<form action=\"#ZgotmplZ\"></form>");
    EXPECT_EQ(render(form, {{"Redirect", "data:text/html,x"}}), "<form action=\"#ZgotmplZ\"></form>");
    EXPECT_EQ(render(form, {{"Redirect", "https://app.example.com/a b?x=1&y=\"2\""}}),
              "<form action=\"https://app.example.com/a%20b?x=1&amp;y=%222%22\"></form>");
    EXPECT_EQ(render(form, {{"Redirect", "/relative/path"}}), "<form action=\"/relative/path\"></form>");
    EXPECT_EQ(render("<a href=\"{{.P}}/static/css\">", {{"P", "/oauth2"}}), "<a href=\"/oauth2/static/css\">");
    // After the path, a value is a query part: everything escaped.
    EXPECT_EQ(render("<a href=\"/start?rd={{.R}}\">", {{"R", "/a?b=c&d"}}), "<a href=\"/start?rd=%2Fa%3Fb%3Dc%26d\">");
    // A value in a hidden field is plain text, not a URL: kept, but escaped.
    EXPECT_EQ(render("<input name=\"rd\" value=\"{{.R}}\">", {{"R", "javascript:alert(1)"}}),
              "<input name=\"rd\" value=\"javascript:alert(1)\">");
}

TEST(HtmlEscaping, ScriptValuesAreJsonAndCannotCloseTheElement) {
    EXPECT_EQ(render("<script>var a = {{.X}};</script>", {{"X", "</script><script>alert(1)//"}}),
              "<script>var a = \"\\u003c\\u002fscript\\u003e\\u003cscript\\u003ealert(1)\\u002f\\u002f\";</script>");
    EXPECT_EQ(render("<script>var a = '{{.X}}';</script>", {{"X", "';alert(1);'"}}),
              "<script>var a = '\\u0027;alert(1);\\u0027';</script>");
    EXPECT_EQ(render("<script>var n = {{.N}}, b = {{.B}};</script>", {{"N", 5}, {"B", true}}),
              "<script>var n =  5 , b =  true ;</script>");
    EXPECT_EQ(render("<button onclick=\"go({{.X}})\">", {{"X", "\");alert(1);(\""}}),
              "<button onclick=\"go(&#34;\\u0022);alert(1);(\\u0022&#34;)\">");
}

TEST(HtmlEscaping, StyleValuesAreFiltered) {
    EXPECT_EQ(render("<style>p{color:{{.C}}}</style>", {{"C", "red"}}), "<style>p{color:red}</style>");
    EXPECT_EQ(render("<style>p{color:{{.C}}}</style>", {{"C", "red}</style><script>"}}),
              "<style>p{color:ZgotmplZ}</style>");
    EXPECT_EQ(render("<p style=\"color:{{.C}}\">", {{"C", "expression(alert(1))"}}), "<p style=\"color:ZgotmplZ\">");
}

TEST(HtmlEscaping, HtmlTypedValuesAreInsertedAsTheyAre) {
    EXPECT_EQ(render("<footer>{{.F}}</footer>", {{"F", Html{"<a href=\"/x\">x</a>"}}}),
              "<footer><a href=\"/x\">x</a></footer>");
    // Typed HTML in an attribute is only text there.
    EXPECT_EQ(render("<p title=\"{{.F}}\">", {{"F", Html{"<b>\""}}}), "<p title=\"&lt;b&gt;&#34;\">");
    // After raw HTML opened a tag, the next value is escaped for where it now is.
    EXPECT_EQ(render("{{.F}}{{.U}}\">", {{"F", Html{"<a href=\""}}, {"U", "javascript:x"}}), "<a href=\"#ZgotmplZ\">");
}

TEST(HtmlEscaping, NoValueInAnIframesSrcdocOrAsAnEventHandlersName) {
    EXPECT_EQ(render("<iframe srcdoc=\"{{.X}}\"></iframe>", {{"X", "<script>alert(1)</script>"}}),
              "<iframe srcdoc=\"ZgotmplZ\"></iframe>");
    EXPECT_EQ(render("<p {{.A}}=\"x\">", {{"A", "onclick"}}), "<p ZgotmplZ=\"x\">");
    EXPECT_EQ(render("<p {{.A}}=\"x\">", {{"A", "title"}}), "<p title=\"x\">");
    EXPECT_EQ(render("<{{.T}}>", {{"T", "script"}}), "< script>");
}

TEST(HtmlEscaping, CommentsDropValues) {
    EXPECT_EQ(render("<!-- {{.X}} --><p>{{.X}}</p>", {{"X", "v"}}), "<!--  --><p>v</p>");
}

TEST(HtmlEscaping, InlineScriptsStylesAndHandlersAreHashedAsRendered) {
    InlineHashes h;
    render("<style>body{}</style><script>go()</script><span onclick=\"this.x='none';\">x</span>", {}, &h);
    EXPECT_EQ(h.styles, std::set<std::string>{csp_sha256("body{}")});
    EXPECT_EQ(h.scripts, (std::set<std::string>{csp_sha256("go()"), csp_sha256("this.x='none';")}));
    EXPECT_TRUE(h.script_attributes);
    EXPECT_FALSE(h.style_attributes);
    // The well-known value of sha256("") shows the encoding is CSP's (base64 of the digest).
    EXPECT_EQ(csp_sha256(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
}

TEST(HtmlEscaping, ScriptsInsideTheOperatorsHtmlGetNoHash) {
    InlineHashes h;
    render("<footer>{{.F}}</footer><script>ok()</script>", {{"F", Html{"<script>evil()</script>"}}}, &h);
    EXPECT_EQ(h.scripts, std::set<std::string>{csp_sha256("ok()")});
}

TEST(HtmlEscaping, UrlFiltersAsGoDoes) {
    EXPECT_EQ(filter_url("mailto:a@b"), "mailto:a@b");
    EXPECT_EQ(filter_url("vbscript:x"), "#ZgotmplZ");
    EXPECT_EQ(filter_url("/a:b"), "/a:b");
    EXPECT_EQ(normalize_url("/a'b(c)<d>"), "/a%27b%28c%29%3Cd%3E");
}

// Cold attack (d23-F1): a regex literal's '//' is not a comment and its quote opens no string, so a value after
// one still lands where the escaper thinks it does.
TEST(HtmlEscaping, RegexLiteralsDoNotConfuseTheScriptContext) {
    const ValueMap attack{{"X", "alert.call"}};
    EXPECT_EQ(render("<script>var re = /https?:\\/\\//; var id = \"{{.X}}\";</script>", attack),
              "<script>var re = /https?:\\/\\//; var id = \"alert.call\";</script>");
    EXPECT_EQ(render("<script>var q = n.replace(/'/g, ''); var id = {{.X}};</script>", attack),
              "<script>var q = n.replace(/'/g, ''); var id = \"alert.call\";</script>");
    EXPECT_EQ(render("<script>var r = /[/\"]/; var id = {{.X}};</script>", attack),
              "<script>var r = /[/\"]/; var id = \"alert.call\";</script>")
        << "a '/' or quote inside a character class ends nothing";
    EXPECT_EQ(render("<script>function f(){ return /\"/.test(s) } var id = {{.X}};</script>", attack),
              "<script>function f(){ return /\"/.test(s) } var id = \"alert.call\";</script>")
        << "after return, '/' starts a regex";
}

TEST(HtmlEscaping, DivisionIsNotARegexLiteral) {
    const ValueMap v{{"X", "x"}};
    EXPECT_EQ(render("<script>var a = b / 2; var id = {{.X}};</script>", v),
              "<script>var a = b / 2; var id = \"x\";</script>");
    EXPECT_EQ(render("<script>var a = (b) / c['/'] / {{.X}};</script>", v),
              "<script>var a = (b) / c['/'] / \"x\";</script>");
    EXPECT_EQ(render("<script>var a = i++ / 2; var s = '{{.X}}';</script>", v),
              "<script>var a = i++ / 2; var s = 'x';</script>");
}

TEST(HtmlEscaping, ValuesInsideRegexLiteralsAndCommentsAreInert) {
    EXPECT_EQ(render("<script>var re = /^{{.X}}$/;</script>", {{"X", "a.b/(c)"}}),
              "<script>var re = /^a\\.b\\u002f\\(c\\)$/;</script>");
    EXPECT_EQ(render("<script>var re = /{{.X}}/;</script>", {{"X", ""}}), "<script>var re = /(?:)/;</script>");
    EXPECT_EQ(render("<script>// {{.X}}\nvar a = 1; /* {{.X}} */</script>", {{"X", "*/alert(1)//"}}),
              "<script>// \nvar a = 1; /*  */</script>");
    EXPECT_EQ(render("<script>/*/ {{.X}} */</script>", {{"X", "*/alert(1)"}}), "<script>/*/  */</script>")
        << "'/*/' opens a block comment without closing it";
}

// Cold attack (d23-F2): a namespace prefix does not hide an address attribute.
TEST(HtmlEscaping, NamespacedUrlAttributesAreFiltered) {
    EXPECT_EQ(render("<svg><a xlink:href=\"{{.X}}\"></a></svg>", {{"X", "javascript:alert(1)"}}),
              "<svg><a xlink:href=\"#ZgotmplZ\"></a></svg>");
    EXPECT_EQ(render("<a data-href=\"{{.X}}\"></a>", {{"X", "javascript:alert(1)"}}), "<a data-href=\"#ZgotmplZ\"></a>");
    EXPECT_EQ(render("<svg xmlns:x=\"{{.X}}\"></svg>", {{"X", "javascript:x"}}), "<svg xmlns:x=\"#ZgotmplZ\"></svg>");
    EXPECT_EQ(render("<a xlink:title=\"{{.X}}\"></a>", {{"X", "javascript:x"}}), "<a xlink:title=\"javascript:x\"></a>");
}

// Second cold attack: an on… attribute is JavaScript once its character references are decoded, and a script's
// HTML-like comments run to the end of their line.
TEST(HtmlEscaping, HandlerAttributesAreFollowedAsTheBrowserDecodesThem) {
    EXPECT_EQ(render("<button onclick=\"alert(&quot;{{.X}}&quot;)\">", {{"X", "\",alert(1),\""}}),
              "<button onclick=\"alert(&quot;\\u0022,alert(1),\\u0022&quot;)\">");
    EXPECT_EQ(render("<button onclick=\"alert(&#x27;{{.X}}&#39;)\">", {{"X", "'"}}),
              "<button onclick=\"alert(&#x27;\\u0027&#39;)\">");
    EXPECT_EQ(render("<button onclick=\"f({{.X}})\">", {{"X", "x"}}), "<button onclick=\"f(&#34;x&#34;)\">");
}

TEST(HtmlEscaping, HtmlLikeCommentsInAScriptRunToTheEndOfTheLine) {
    const ValueMap v{{"X", ",alert(1),"}};
    EXPECT_EQ(render("<script>\n<!-- don't cache\nvar m = {{.X}};\n</script>", v),
              "<script>\n<!-- don't cache\nvar m = \",alert(1),\";\n</script>");
    EXPECT_EQ(render("<script>\n  --> it's over\nvar m = {{.X}};\n</script>", v),
              "<script>\n  --> it's over\nvar m = \",alert(1),\";\n</script>");
    EXPECT_EQ(render("<script>var s = 'a\nvar m = {{.X}};</script>", v),
              "<script>var s = 'a\nvar m = \",alert(1),\";</script>")
        << "a quoted string ends at the line's end (the script is broken; the value stays a value)";
    EXPECT_EQ(render("<script>var a = b-->c; var m = '{{.X}}';</script>", v),
              "<script>var a = b-->c; var m = ',alert(1),';</script>")
        << "'-->' after code on its line is a decrement and a comparison";
}
