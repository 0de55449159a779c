#include "pages/pages.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pages/template.hpp"

using namespace gh;

namespace {

std::string render_error(const pages::ErrorPage& page) {
    std::string out;
    http::Response res(out, true);
    pages::write_error_page(res, page);
    return out;
}

}  // namespace

TEST(PageTemplate, EscapesValuesButNotRawOnesAndDropsUnknownNames) {
    const pages::TemplateValues v{{"Name", "<b>&\"'"}, {"Html", "<i>ok</i>"}};
    EXPECT_EQ(pages::render("a {{.Name}} b {{.Html}} c {{.Missing}} d", v, {"Html"}),
              "a &lt;b&gt;&amp;&quot;&#39; b <i>ok</i> c  d");
    EXPECT_EQ(pages::render("unclosed {{.Name", v), "unclosed {{.Name");
}

TEST(Pages, ErrorPageShowsTheRequestIdAndEscapesWhatItIsGiven) {
    pages::configure({});
    const auto html = render_error({.status = 403, .title = "Access denied", .message = "m",
                                    .request_id = "req-42", .signed_in_as = "<script>x</script>@evil",
                                    .app = "app.example.com", .sign_out_url = "/oauth2/sign_out"});
    EXPECT_NE(html.find("HTTP/1.1 403"), std::string::npos);
    EXPECT_NE(html.find("Request ID: <code>req-42</code>"), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    EXPECT_NE(html.find("Cache-Control: no-store"), std::string::npos);
    EXPECT_NE(html.find("X-Frame-Options: DENY"), std::string::npos);
}

TEST(Pages, CustomTemplatesReplaceTheBuiltInOnes) {
    const auto dir = std::filesystem::temp_directory_path() / "gatehouse-pages-test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "error.html") << "<p>custom {{.StatusCode}} {{.Title}} {{.RequestID}}</p>";
    pages::configure({.custom_templates_dir = dir.string()});
    const auto html = render_error({.status = 500, .title = "Oops", .request_id = "id-1"});
    EXPECT_NE(html.find("<p>custom 500 Oops id-1</p>"), std::string::npos);
    // sign_in.html was not given: the built-in one stays.
    std::string out;
    http::Response res(out, true);
    pages::write_sign_in_page(res, "/oauth2/start");
    EXPECT_NE(out.find("Sign in with OpenID Connect"), std::string::npos);
    pages::configure({});
    std::filesystem::remove_all(dir);
}

TEST(Pages, AMissingTemplatesDirIsAConfigurationError) {
    try {
        pages::configure({.custom_templates_dir = "/nonexistent/templates"});
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "--custom-templates-dir: /nonexistent/templates is not a directory");
    }
    pages::configure({});
}

TEST(Pages, BannerAndFooterAreTheOperatorsHtml) {
    pages::configure({.banner = "<strong>Staff only</strong>", .footer = "-"});
    std::string out;
    http::Response res(out, true);
    pages::write_sign_in_page(res, "/oauth2/start");
    EXPECT_NE(out.find("<strong>Staff only</strong>"), std::string::npos);
    EXPECT_EQ(out.find("This application is protected"), std::string::npos);
    pages::configure({});
}
