#include "pages/pages.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pages/html_context.hpp"
#include "pages/page_security.hpp"
#include "pages/sign_in_logo.hpp"
#include "pages/template_parser.hpp"
#include "pages/template_renderer.hpp"

using namespace gh;

namespace {

std::string render_error(const pages::ErrorPage& page) {
    std::string out;
    http::Response res(out, true);
    pages::write_error_page(res, page);
    return out;
}

}  // namespace

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

namespace {

// oauth2-proxy's own templates (tests read them from the shared fixtures, never from a copy in the project).
std::filesystem::path fixture_templates() {
    const auto repo = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
    for (const auto& dir : {repo / "../shared/fixtures/oauth2-proxy", std::filesystem::path("/work/shared/fixtures/oauth2-proxy")})
        if (std::filesystem::exists(dir / "templates/sign_in.html")) return dir / "templates";
    return {};
}

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(std::string_view name) : path(std::filesystem::temp_directory_path() / name) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        pages::configure({});
        std::filesystem::remove_all(path);
    }
};

std::string header_value(const std::string& response, std::string_view name) {
    const auto at = response.find(std::string(name) + ": ");
    if (at == std::string::npos) return {};
    const auto start = at + name.size() + 2;
    return response.substr(start, response.find("\r\n", start) - start);
}

std::string between(const std::string& s, std::string_view open, std::string_view close) {
    const auto a = s.find(open);
    if (a == std::string::npos) return {};
    const auto b = s.find(close, a + open.size());
    return s.substr(a + open.size(), b - a - open.size());
}

// Renders with oauth2-proxy's fixture templates copied into a temporary --custom-templates-dir.
class OAuth2ProxyTemplates : public ::testing::Test {
protected:
    void SetUp() override {
        const auto fixtures = fixture_templates();
        ASSERT_FALSE(fixtures.empty()) << "oauth2-proxy's templates are missing: expected ../shared/fixtures/"
                                          "oauth2-proxy/templates beside the repository or /work/shared/fixtures";
        for (const char* name : {"sign_in.html", "error.html"})
            std::filesystem::copy_file(fixtures / name, dir_.path / name);
    }
    void configure(pages::PageSettings s = {}) {
        s.custom_templates_dir = dir_.path.string();
        s.version = "9.9.9";
        s.provider_name = "Keycloak";
        pages::configure(s);
    }
    TempDir dir_{"gatehouse-oauth2-proxy-templates"};
};

std::string sign_in(std::string_view start_url, int status = 200, const pages::PasswordForm* form = nullptr) {
    std::string out;
    http::Response res(out, true);
    pages::write_sign_in_page(res, start_url, status, form);
    return out;
}

}  // namespace

TEST_F(OAuth2ProxyTemplates, SignInPageRendersAsOAuth2ProxyRendersIt) {
    configure();
    const auto html = sign_in("/oauth2/start?rd=%2Fapp%3Fx%3D1");
    EXPECT_EQ(html.find("{{"), std::string::npos);
    EXPECT_NE(html.find("href=\"/oauth2/static/css/bulma.min.css\""), std::string::npos);
    EXPECT_NE(html.find("<form method=\"GET\" action=\"/oauth2/start\">"), std::string::npos);
    EXPECT_NE(html.find("<input type=\"hidden\" name=\"rd\" value=\"/app?x=1\">"), std::string::npos);
    EXPECT_NE(html.find("Sign in with Keycloak</button>"), std::string::npos);
    EXPECT_NE(html.find("OAuth2 Proxy</a> version 9.9.9"), std::string::npos);
    // No password form, no error box, no logo for a plain 200.
    EXPECT_EQ(html.find("name=\"password\""), std::string::npos);
    EXPECT_EQ(html.find("<div class=\"alert\">"), std::string::npos);
    EXPECT_EQ(html.find("class=\"block logo-box\""), std::string::npos);
    // Its inline <style>, <script> and onclick run by their hashes; nothing else does.
    const std::string csp = header_value(html, "Content-Security-Policy");
    EXPECT_NE(csp.find("style-src 'self' " + pages::csp_sha256(between(html, "<style>", "</style>"))),
              std::string::npos) << csp;
    EXPECT_NE(csp.find(pages::csp_sha256(between(html, "<script>", "</script>"))), std::string::npos) << csp;
    // The close button's onclick is not on this page, so neither its hash nor 'unsafe-hashes' is.
    EXPECT_EQ(csp.find("unsafe-hashes"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
}

TEST_F(OAuth2ProxyTemplates, SignInPageShowsThePasswordFormWithOurCsrfFieldAndItsErrors) {
    configure({.banner = "<b>Staff</b> only", .footer = "<i>Custom</i> footer"});
    const pages::PasswordForm form{.action = "/oauth2/sign_in", .csrf = "tok\"en", .set_cookie = "c=1"};
    const auto html = sign_in("/oauth2/start?rd=%2F", 401, &form);
    EXPECT_NE(html.find("<form method=\"POST\" action=\"/oauth2/sign_in\" class=\"block\">"
                        "<input type=\"hidden\" name=\"csrf\" value=\"tok&#34;en\">"),
              std::string::npos);
    EXPECT_NE(html.find("401: Invalid Username or Password"), std::string::npos);
    const std::string csp = header_value(html, "Content-Security-Policy");
    EXPECT_NE(csp.find(pages::csp_sha256("this.parentElement.style.display='none';")), std::string::npos) << csp;
    EXPECT_NE(csp.find(" 'unsafe-hashes'; style-src"), std::string::npos) << csp;
    EXPECT_EQ(html.find("Username cannot be empty"), std::string::npos);
    EXPECT_NE(html.find("<p class=\"block\"><b>Staff</b> only</p>"), std::string::npos);
    EXPECT_NE(html.find("<p><i>Custom</i> footer</p>"), std::string::npos);
    EXPECT_EQ(html.find("OAuth2 Proxy</a> version"), std::string::npos);
    // The GET form to /start gets no token.
    EXPECT_EQ(html.find("action=\"/oauth2/start\"><input type=\"hidden\" name=\"csrf\""), std::string::npos);
    EXPECT_NE(sign_in("/oauth2/start?rd=%2F", 400, &form).find("400: Username cannot be empty"), std::string::npos);
}

TEST_F(OAuth2ProxyTemplates, ErrorPageShowsItsFieldsAndRefusesAJavascriptRedirect) {
    configure({.footer = "-"});
    std::string out;
    http::Response res(out, true);
    pages::write_error_page(res, {.status = 403, .title = "Sign-in refused", .message = "Not <allowed>",
                                  .detail = "email not in --authenticated-emails-file", .request_id = "req-7",
                                  .retry_url = "/oauth2/start?rd=javascript%3Aalert(1)"});
    EXPECT_NE(out.find("HTTP/1.1 403"), std::string::npos);
    EXPECT_NE(out.find("<title>403 Sign-in refused</title>"), std::string::npos);
    EXPECT_NE(out.find("<div class=\"status-code\">403</div>"), std::string::npos);
    EXPECT_NE(out.find("Not &lt;allowed&gt;"), std::string::npos);
    EXPECT_NE(out.find("Request ID: req-7"), std::string::npos);
    EXPECT_NE(out.find("<form method=\"GET\" action=\"#ZgotmplZ\">"), std::string::npos);
    EXPECT_NE(out.find("<input type=\"hidden\" name=\"rd\" value=\"javascript:alert(1)\">"), std::string::npos);
    EXPECT_EQ(out.find("email not in"), std::string::npos);  // only with --show-debug-on-error
    EXPECT_EQ(out.find("Secured with"), std::string::npos);   // --footer -
    EXPECT_NE(header_value(out, "Content-Security-Policy").find("form-action 'self';"), std::string::npos);
}

TEST_F(OAuth2ProxyTemplates, ShowDebugOnErrorShowsTheDetailAndARedirectElsewhereMayBeFollowed) {
    configure({.show_debug_on_error = true});
    std::string out;
    http::Response res(out, true);
    pages::write_error_page(res, {.status = 403, .title = "Sign-in refused", .message = "general",
                                  .detail = "email not in --authenticated-emails-file", .request_id = "r",
                                  .retry_url = "/oauth2/start?rd=https%3A%2F%2Fapp.example.com%2Fx"});
    EXPECT_NE(out.find("email not in --authenticated-emails-file"), std::string::npos);
    EXPECT_EQ(out.find("general"), std::string::npos);
    EXPECT_NE(out.find("action=\"https://app.example.com/x\""), std::string::npos);
    EXPECT_NE(header_value(out, "Content-Security-Policy").find("form-action 'self' https://app.example.com;"),
              std::string::npos);
}

TEST_F(OAuth2ProxyTemplates, LogoFromAnSvgAPngOrAnHttpsUrl) {
    std::ofstream(dir_.path / "logo.svg") << "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>";
    configure({.custom_sign_in_logo = (dir_.path / "logo.svg").string()});
    EXPECT_NE(sign_in("/oauth2/start").find("<div class=\"block logo-box\">\n        <svg xmlns="), std::string::npos);
    std::ofstream(dir_.path / "logo.png", std::ios::binary) << "\x89PNG";
    configure({.custom_sign_in_logo = (dir_.path / "logo.png").string()});
    EXPECT_NE(sign_in("/oauth2/start").find("<img src=\"data:image/png;base64,iVBORw==\" alt=\"Logo\">"),
              std::string::npos);
    configure({.custom_sign_in_logo = "https://cdn.example.com/logo.png"});
    const auto html = sign_in("/oauth2/start");
    EXPECT_NE(html.find("<img src=\"https://cdn.example.com/logo.png\" alt=\"Logo\">"), std::string::npos);
    EXPECT_NE(header_value(html, "Content-Security-Policy").find("img-src data: https://cdn.example.com;"),
              std::string::npos);
    configure({.custom_sign_in_logo = "-"});
    EXPECT_EQ(sign_in("/oauth2/start").find("class=\"block logo-box\""), std::string::npos);
}

TEST(Pages, ABadLogoIsAConfigurationErrorNamingTheFlag) {
    const auto refused = [](std::string setting) {
        const auto r = pages::load({.custom_sign_in_logo = setting});
        pages::configure({});
        return r ? std::string("accepted") : describe(r.error());
    };
    EXPECT_EQ(refused("/nonexistent/logo.png").rfind("--custom-sign-in-logo: cannot read /nonexistent/logo.png", 0), 0u);
    EXPECT_EQ(refused("/etc/hostname"), "--custom-sign-in-logo: unknown extension \"\" of /etc/hostname, supported "
                                        "extensions are .svg, .jpg, .jpeg and .png");
    EXPECT_EQ(refused("http://cdn.example.com/logo.png"), "--custom-sign-in-logo: a logo URL must start with https://");
    EXPECT_EQ(refused("https://*.example.com/logo.png"), "--custom-sign-in-logo: not a usable https URL");
    TempDir dir("gatehouse-big-logo");
    std::ofstream(dir.path / "big.png", std::ios::binary) << std::string(pages::kMaxLogoBytes + 1, 'x');
    EXPECT_EQ(refused((dir.path / "big.png").string()),
              "--custom-sign-in-logo: " + (dir.path / "big.png").string() + " is larger than 256 KiB");
    std::ofstream(dir.path / "fake.svg") << "<html>not an image</html>";
    EXPECT_EQ(refused((dir.path / "fake.svg").string()),
              "--custom-sign-in-logo: " + (dir.path / "fake.svg").string() + " holds no <svg> element");
}

TEST(Pages, ATemplateThatDoesNotParseNamesItsFileAndLine) {
    TempDir dir("gatehouse-bad-template");
    std::ofstream(dir.path / "sign_in.html") << "<p>\n{{if .CustomLogin}}\n{{.Nope | nosuch}}\n{{end}}";
    const auto r = pages::load({.custom_templates_dir = dir.path.string()});
    ASSERT_FALSE(r);
    EXPECT_EQ(describe(r.error()), "--custom-templates-dir: " + (dir.path / "sign_in.html").string() +
                                       ": line 3: function \"nosuch\" not defined");
}

TEST(Pages, BuiltInPagesAllowOnlyTheirOwnStyle) {
    pages::configure({});
    const auto html = sign_in("/oauth2/start?rd=%2F");
    const std::string csp = header_value(html, "Content-Security-Policy");
    EXPECT_EQ(csp, "default-src 'none'; style-src 'self' " + pages::csp_sha256(between(html, "<style>", "</style>")) +
                       "; img-src data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    EXPECT_NE(html.find("href=\"/oauth2/start?rd=%2F\""), std::string::npos);
}

TEST(Pages, StaticStylesheetsAreServedAndCachedOthersAreNotFound) {
    std::string out;
    http::Response res(out, true);
    pages::write_static_asset(res, "css/bulma.min.css");
    EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_EQ(header_value(out, "Content-Type"), "text/css; charset=utf-8");
    EXPECT_EQ(header_value(out, "Cache-Control"), "public, max-age=604800");
    EXPECT_NE(out.find(".button.is-primary{"), std::string::npos);
    std::string other;
    http::Response res2(other, true);
    pages::write_static_asset(res2, "../pages.cpp");
    EXPECT_NE(other.find("HTTP/1.1 404"), std::string::npos);
}

TEST(Pages, SignInFormsMayBeRedirectedToTheIdpAndOnToTheRedirect) {
    pages::configure({});
    pages::follow_login_endpoint([] { return std::string("https://idp.example.com:8443/realms/x/auth"); });
    const auto html = sign_in("/oauth2/start?rd=https%3A%2F%2Fapp.example.com%2Fpath");
    pages::follow_login_endpoint({});
    EXPECT_NE(header_value(html, "Content-Security-Policy")
                  .find("; form-action 'self' https://idp.example.com:8443 https://app.example.com;"),
              std::string::npos)
        << header_value(html, "Content-Security-Policy");
}

TEST(Pages, EveryPrefixOfOAuth2ProxysTemplatesParsesOrFailsWithALine) {
    const auto fixtures = fixture_templates();
    ASSERT_FALSE(fixtures.empty()) << "oauth2-proxy's templates are missing (../shared/fixtures/oauth2-proxy)";
    for (const char* name : {"sign_in.html", "error.html"}) {
        std::ifstream in(fixtures / name);
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        int parsed = 0;
        for (std::size_t n = 0; n <= text.size(); ++n) {
            pages::tree::Templates set;
            const auto r = pages::parse_template(name, std::string_view(text).substr(0, n), set);
            if (!r) {
                EXPECT_GT(r.error().line, 0) << name << " cut at " << n << ": " << r.error().message;
                continue;
            }
            ++parsed;
            std::string out;
            pages::ContextualWriter writer(out);
            EXPECT_TRUE(pages::render_template(set, name, pages::Value(pages::ValueMap{{"StatusCode", 401}}), writer));
        }
        EXPECT_GT(parsed, 0) << name;  // at least the whole file
    }
}

TEST(Pages, AnOriginForTheCspIsAHostAndPortOnly) {
    EXPECT_EQ(pages::origin_of("https://app.example.com:8443/x?y#z"), "https://app.example.com:8443");
    EXPECT_EQ(pages::origin_of("http://[::1]:8080"), "http://[::1]:8080");
    EXPECT_EQ(pages::origin_of("/relative"), "");
    EXPECT_EQ(pages::origin_of("javascript:alert(1)"), "");
    EXPECT_EQ(pages::origin_of("https://*"), "");
    EXPECT_EQ(pages::origin_of("https://a.example.com;script-src"), "");
    EXPECT_EQ(pages::origin_of("https://user@evil.example"), "");
    EXPECT_EQ(pages::origin_of("https://a.example.com 'unsafe-inline'"), "");
}
