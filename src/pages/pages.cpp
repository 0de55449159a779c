#include "pages/pages.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "pages/template.hpp"

namespace gh::pages {
namespace {

// One stylesheet for every page, inline (the CSP allows no other source). Colours meet WCAG AA contrast; the
// layout is a single column that fits a phone.
constexpr std::string_view kStyle =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;background:#f4f5f7;color:#1d1f23;margin:0;"
    "display:flex;min-height:100vh;align-items:center;justify-content:center;line-height:1.5}"
    "main{background:#fff;border-radius:8px;padding:2rem;margin:1rem;max-width:30rem;width:100%;"
    "box-shadow:0 1px 4px #0003;box-sizing:border-box}"
    "h1{font-size:1.4rem;margin-top:0}.status{color:#4a4f57;font-size:.9rem;margin:0}"
    ".button{display:inline-block;background:#1a56b0;color:#fff;padding:.65rem 1.3rem;border-radius:4px;"
    "text-decoration:none;border:0;font-size:1rem;cursor:pointer}.button:focus{outline:3px solid #f0b400}"
    ".secondary{background:#fff;color:#1a56b0;border:1px solid #1a56b0}.actions a{margin:0 .5rem .5rem 0}"
    ".who{background:#eef3fb;border-radius:4px;padding:.6rem .9rem}footer{font-size:.8rem;color:#4a4f57;"
    "margin-top:1.5rem}code{font-size:.85rem}"
    "form.password{border-top:1px solid #d5d8de;margin-top:1.5rem;padding-top:1rem}"
    "form.password label{display:block;margin-bottom:.8rem}form.password input{display:block;width:100%;"
    "box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #6b7280;border-radius:4px;margin-top:.2rem}"
    ".error{color:#a4161a;font-weight:600}";

constexpr std::string_view kSignIn =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{{.Title}}</title>"
    "<style>{{.Style}}</style></head><body><main>"
    "<h1>{{.Title}}</h1>{{.Banner}}"
    "<p><a class=\"button\" href=\"{{.SignInURL}}\">Sign in with {{.ProviderName}}</a></p>{{.PasswordForm}}"
    "<footer>{{.Footer}}</footer></main></body></html>\n";

constexpr std::string_view kError =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{{.Title}}</title>"
    "<style>{{.Style}}</style></head><body><main>"
    "<p class=\"status\">Error {{.StatusCode}}</p><h1>{{.Title}}</h1><p>{{.Message}}</p>{{.Identity}}{{.Actions}}"
    "<footer>{{.RequestIDLine}}{{.Footer}}</footer></main></body></html>\n";

constexpr std::string_view kSignedOut =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{{.Title}}</title>"
    "<style>{{.Style}}</style></head><body><main>"
    "<h1>{{.Title}}</h1><p>You have been signed out.</p>"
    "<p><a class=\"button\" href=\"{{.SignInURL}}\">Sign in again</a></p>"
    "<footer>{{.Footer}}</footer></main></body></html>\n";

struct Loaded {
    PageSettings settings;
    std::string sign_in{kSignIn}, error{kError}, signed_out{kSignedOut};
};

// Set once by configure() before any I/O thread runs, then only read.
std::shared_ptr<const Loaded>& loaded() {
    static std::shared_ptr<const Loaded> l = std::make_shared<const Loaded>();
    return l;
}

const std::set<std::string, std::less<>> kRaw{"Style",   "Banner",        "Footer",      "Identity",
                                             "Actions", "RequestIDLine", "PasswordForm"};

TemplateValues common(const Loaded& l, std::string_view title) {
    return {{"Title", std::string(title)},
            {"Style", std::string(kStyle)},
            {"Footer", l.settings.footer == "-" ? std::string{} : l.settings.footer},
            {"Version", l.settings.version},
            {"ProviderName", l.settings.provider_name}};
}

// `form`: on the sign-in page with the password form, Referrer-Policy same-origin (with no-referrer a browser
// sends `Origin: null`, and the form's origin is what tells a sign-in from our page apart from another site's)
// and form-action widened to the one origin its redirect goes to.
void security_headers(http::Response& res, const PasswordForm* form = nullptr) {
    std::string csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
                      "form-action 'self'";
    if (form && !form->redirect_origin.empty()) (csp += ' ') += form->redirect_origin;
    csp += "; base-uri 'none'";
    res.header("Content-Security-Policy", csp);
    res.header("X-Frame-Options", "DENY");
    res.header("X-Content-Type-Options", "nosniff");
    res.header("Referrer-Policy", form ? "same-origin" : "no-referrer");
    // Pages name the signed-in user: never stored by a browser or a shared cache.
    res.header("Cache-Control", "no-store");
}

// The operator's template of that name, or the built-in one when the directory has none.
Result<std::string> read_template(const std::string& dir, const char* name, std::string built_in) {
    const auto path = std::filesystem::path(dir) / name;
    if (!std::filesystem::exists(path)) return built_in;
    std::ifstream in(path);
    if (!in) return failure(ErrorCode::unreadable_file, "--custom-templates-dir: cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string link(std::string_view href, std::string_view text, bool secondary) {
    return "<a class=\"button" + std::string(secondary ? " secondary" : "") + "\" href=\"" + escape_html(href) + "\">" +
           escape_html(text) + "</a>";
}

}  // namespace

Result<void> load(const PageSettings& settings) {
    auto l = std::make_shared<Loaded>();
    l->settings = settings;
    if (!settings.custom_templates_dir.empty()) {
        if (!std::filesystem::is_directory(settings.custom_templates_dir))
            return failure(ErrorCode::unreadable_file,
                           "--custom-templates-dir: " + settings.custom_templates_dir + " is not a directory");
        for (auto [name, text] : {std::pair{"sign_in.html", &l->sign_in}, std::pair{"error.html", &l->error},
                                  std::pair{"signed_out.html", &l->signed_out}}) {
            auto read = read_template(settings.custom_templates_dir, name, *text);
            if (!read) return failure(read.error());
            *text = std::move(*read);
        }
    }
    loaded() = std::move(l);
    return {};
}

void configure(const PageSettings& settings) { throw_if_failed<std::runtime_error>(load(settings)); }

void write_error_page(http::Response& res, const ErrorPage& page) {
    const auto l = loaded();
    auto values = common(*l, page.title);
    values["StatusCode"] = std::to_string(page.status);
    values["Message"] = std::string(page.message);
    values["RequestID"] = std::string(page.request_id);
    values["SignedInAs"] = std::string(page.signed_in_as);
    values["App"] = std::string(page.app);
    if (!page.request_id.empty())
        values["RequestIDLine"] = "<p>Request ID: <code>" + escape_html(page.request_id) + "</code></p>";
    if (!page.signed_in_as.empty()) {
        std::string who = "<p class=\"who\">Signed in as <strong>" + escape_html(page.signed_in_as) + "</strong>";
        if (!page.app.empty()) who += "; <strong>" + escape_html(page.app) + "</strong> does not let this account in";
        values["Identity"] = who + ".</p>";
    }
    std::string actions;
    if (!page.retry_url.empty()) actions += link(page.retry_url, "Try again", false);
    if (!page.switch_account_url.empty()) actions += link(page.switch_account_url, "Use another account", false);
    if (!page.sign_out_url.empty()) actions += link(page.sign_out_url, "Sign out", true);
    if (!actions.empty()) values["Actions"] = "<p class=\"actions\">" + actions + "</p>";
    res.status(page.status);
    security_headers(res);
    for (const auto& c : page.set_cookies) res.header("Set-Cookie", c);
    res.finish(render(l->error, values, kRaw), "text/html; charset=utf-8");
}

namespace {

std::string password_form_html(const PasswordForm& f) {
    std::string html = "<form class=\"password\" method=\"post\" action=\"" + escape_html(f.action) + "\">";
    if (!f.error.empty()) html += "<p class=\"error\" role=\"alert\">" + escape_html(f.error) + "</p>";
    html += "<input type=\"hidden\" name=\"csrf\" value=\"" + escape_html(f.csrf) + "\">"
            "<label>User name<input name=\"username\" autocomplete=\"username\" required value=\"" +
            escape_html(f.username) + "\"></label>"
            "<label>Password<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
            "</label><button class=\"button secondary\" type=\"submit\">Sign in with a password</button></form>";
    return html;
}

}  // namespace

void write_sign_in_page(http::Response& res, std::string_view start_url, int status, const PasswordForm* form,
                        std::span<const std::string> set_cookies) {
    const auto l = loaded();
    auto values = common(*l, "Sign in");
    values["SignInURL"] = std::string(start_url);
    if (form) {
        values["PasswordForm"] = password_form_html(*form);
        values["ProxyPrefixSignIn"] = std::string(form->action);
        values["CSRFToken"] = std::string(form->csrf);
    }
    values["Banner"] = l->settings.banner == "-" ? std::string{}
                       : l->settings.banner.empty() ? "<p>This application is protected. Sign in to continue.</p>"
                                                    : l->settings.banner;
    res.status(status);
    security_headers(res, form);
    if (form && !form->set_cookie.empty()) res.header("Set-Cookie", form->set_cookie);
    for (const auto& c : set_cookies) res.header("Set-Cookie", c);
    res.finish(render(l->sign_in, values, kRaw), "text/html; charset=utf-8");
}

void write_signed_out_page(http::Response& res, std::string_view sign_in_url) {
    const auto l = loaded();
    auto values = common(*l, "Signed out");
    values["SignInURL"] = std::string(sign_in_url);
    res.status(200);
    security_headers(res);
    res.finish(render(l->signed_out, values, kRaw), "text/html; charset=utf-8");
}

}  // namespace gh::pages
