#include "pages/pages.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "pages/built_in_templates.hpp"
#include "pages/page_security.hpp"
#include "pages/sign_in_logo.hpp"
#include "pages/static_assets.hpp"
#include "pages/template_functions.hpp"
#include "pages/template_parser.hpp"
#include "pages/template_renderer.hpp"
#include "text/percent.hpp"

namespace gh::pages {
namespace {

constexpr const char* kSignIn = "sign_in.html";
constexpr const char* kError = "error.html";
constexpr const char* kSignedOut = "signed_out.html";

struct Loaded {
    PageSettings settings;
    tree::Templates templates;  // one set, as oauth2-proxy's: a file may call what another defines
    SignInLogo logo;
};

// Set by follow_login_endpoint() before any I/O thread runs, then only called.
std::function<std::string()>& login_endpoint() {
    static std::function<std::string()> f;
    return f;
}

// "a b" of the distinct, non-empty origins.
std::string origins(std::initializer_list<std::string> list) {
    std::string out;
    for (const auto& o : list)
        if (!o.empty() && (" " + out + " ").find(" " + o + " ") == std::string::npos)
            (out += out.empty() ? "" : " ") += o;
    return out;
}

// Gatehouse's own templates, parsed on first use: the base every load() starts from.
const tree::Templates& built_in_templates() {
    static const tree::Templates set = [] {
        tree::Templates t;
        for (auto [name, text] : {std::pair{kSignIn, built_in_sign_in()}, std::pair{kError, built_in_error()},
                                  std::pair{kSignedOut, built_in_signed_out()}})
            if (!parse_template(name, text, t))
                throw std::logic_error(std::string("built-in page template does not parse: ") + name);
        return t;
    }();
    return set;
}

// Set by load() before any I/O thread runs, then only read.
std::shared_ptr<const Loaded>& loaded() {
    static std::shared_ptr<const Loaded> l = [] {
        auto built_in = std::make_shared<Loaded>();
        built_in->templates = built_in_templates();
        return std::shared_ptr<const Loaded>(std::move(built_in));
    }();
    return l;
}

Result<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return failure(ErrorCode::unreadable_file, "--custom-templates-dir: cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The operator's files, parsed into the built-in set: a file replaces the built-in template of its name.
Result<void> read_custom_templates(const std::string& dir, tree::Templates& templates) {
    if (!std::filesystem::is_directory(dir))
        return failure(ErrorCode::unreadable_file, "--custom-templates-dir: " + dir + " is not a directory");
    for (const char* name : {kSignIn, kError, kSignedOut}) {
        const auto path = std::filesystem::path(dir) / name;
        if (!std::filesystem::exists(path)) continue;
        auto text = read_file(path);
        if (!text) return failure(text.error());
        if (auto parsed = parse_template(name, *text, templates); !parsed) {
            Error e = parsed.error();
            e.source = "--custom-templates-dir: " + path.string();
            return failure(std::move(e));
        }
    }
    if (auto calls = check_calls(templates); !calls) {
        Error e = calls.error();
        e.source = "--custom-templates-dir: " + dir;
        return failure(std::move(e));
    }
    return {};
}

// The rd a page's own link carries (".../start?rd=%2Fapp"): the login flow passes where the user was going
// only inside that URL, and {{.Redirect}} must say the same.
std::string rd_in(std::string_view url) {
    const auto query = url.find('?');
    if (query == std::string_view::npos) return {};
    std::string_view q = url.substr(query + 1);
    while (!q.empty()) {
        const auto amp = q.find('&');
        const std::string_view pair = q.substr(0, amp);
        if (pair.starts_with("rd=")) return text::percent_decode(pair.substr(3), true);
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return {};
}

// Gatehouse's names and oauth2-proxy's, for every page.
ValueMap common(const Loaded& l, std::string_view title) {
    return {{"Title", std::string(title)},
            {"Footer", Html{l.settings.footer}},
            {"Version", l.settings.version},
            {"ProviderName", l.settings.provider_name},
            {"ProxyPrefix", l.settings.proxy_prefix}};
}

struct Rendered {
    std::string html;
    InlineHashes hashes;
};

Rendered render(const Loaded& l, const char* name, ValueMap data, std::string_view csrf_action = {},
                std::string_view csrf = {}) {
    Rendered r;
    ContextualWriter writer(r.html);
    // oauth2-proxy's sign_in.html posts its password form without our CSRF token: every form of the
    // template's own that posts to /sign_in gets the token as a hidden field.
    if (!csrf_action.empty())
        writer.after_start_tag = [&](const StartTag& tag) -> std::string {
            if (tag.name != "form") return {};
            bool post = false, ours = false;
            for (const auto& [attr, value] : tag.attributes) {
                if (attr == "method")
                    post = value.size() == 4 && (value[0] | 0x20) == 'p' && (value[1] | 0x20) == 'o' &&
                           (value[2] | 0x20) == 's' && (value[3] | 0x20) == 't';
                if (attr == "action") ours = value == csrf_action;
            }
            return post && ours ? "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf) + "\">" : "";
        };
    if (!render_template(l.templates, name, Value(std::move(data)), writer)) {
        r.html = "<!doctype html><title>Error</title><p>This page could not be shown.</p>\n";
        r.hashes = {};
        return r;
    }
    r.hashes = writer.hashes();
    return r;
}

std::string link(std::string_view href, std::string_view text, bool secondary) {
    return "<a class=\"button" + std::string(secondary ? " secondary" : "") + "\" href=\"" + html_escape(href) + "\">" +
           html_escape(text) + "</a>";
}

std::string password_form_html(const PasswordForm& f) {
    std::string html = "<form class=\"password\" method=\"post\" action=\"" + html_escape(f.action) + "\">";
    if (!f.error.empty()) html += "<p class=\"error\" role=\"alert\">" + html_escape(f.error) + "</p>";
    html += "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(f.csrf) +
            "\">"
            "<label>User name<input name=\"username\" autocomplete=\"username\" required value=\"" +
            html_escape(f.username) +
            "\"></label>"
            "<label>Password<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
            "</label><button class=\"button secondary\" type=\"submit\">Sign in with a password</button></form>";
    return html;
}

}  // namespace

Result<void> load(const PageSettings& settings) {
    auto l = std::make_shared<Loaded>();
    l->settings = settings;
    l->templates = built_in_templates();
    if (!settings.custom_templates_dir.empty())
        if (auto read = read_custom_templates(settings.custom_templates_dir, l->templates); !read)
            return failure(read.error());
    auto logo = load_sign_in_logo(settings.custom_sign_in_logo);
    if (!logo) return failure(logo.error());
    l->logo = std::move(*logo);
    loaded() = std::move(l);
    return {};
}

void configure(const PageSettings& settings) {
    if (auto r = load(settings); !r) throw std::runtime_error(describe(r.error()));
}

void write_error_page(http::Response& res, const ErrorPage& page) {
    const auto l = loaded();
    ValueMap values = common(*l, page.title);
    values["StatusCode"] = page.status;
    values["Message"] =
        std::string(l->settings.show_debug_on_error && !page.detail.empty() ? page.detail : page.message);
    values["RequestID"] = std::string(page.request_id);
    values["SignedInAs"] = std::string(page.signed_in_as);
    values["App"] = std::string(page.app);
    std::string redirect = page.redirect.empty() ? rd_in(page.retry_url) : std::string(page.redirect);
    if (redirect.empty()) redirect = "/";
    values["Redirect"] = redirect;
    if (!page.request_id.empty())
        values["RequestIDLine"] = Html{"<p>Request ID: <code>" + html_escape(page.request_id) + "</code></p>"};
    if (!page.signed_in_as.empty()) {
        std::string who = "<p class=\"who\">Signed in as <strong>" + html_escape(page.signed_in_as) + "</strong>";
        if (!page.app.empty()) who += "; <strong>" + html_escape(page.app) + "</strong> does not let this account in";
        values["Identity"] = Html{who + ".</p>"};
    }
    std::string actions;
    if (!page.retry_url.empty()) actions += link(page.retry_url, "Try again", false);
    if (!page.switch_account_url.empty()) actions += link(page.switch_account_url, "Use another account", false);
    if (!page.sign_out_url.empty()) actions += link(page.sign_out_url, "Sign out", true);
    if (!actions.empty()) values["Actions"] = Html{"<p class=\"actions\">" + actions + "</p>"};
    const Rendered r = render(*l, kError, std::move(values));
    res.status(page.status);
    // oauth2-proxy's error.html has a "Go back" form whose action is the redirect.
    const std::string form_origin = origin_of(redirect);
    write_security_headers(res, {.inline_code = r.hashes, .form_origins = form_origin});
    for (const auto& c : page.set_cookies) res.header("Set-Cookie", c);
    res.finish(r.html, "text/html; charset=utf-8");
}

void write_sign_in_page(http::Response& res, std::string_view start_url, int status, const PasswordForm* form,
                        std::span<const std::string> set_cookies) {
    const auto l = loaded();
    ValueMap values = common(*l, "Sign in");
    values["SignInURL"] = std::string(start_url);
    values["StatusCode"] = status;
    values["CustomLogin"] = form != nullptr;
    const std::string redirect = rd_in(start_url);
    values["Redirect"] = redirect;
    values["LogoData"] = Html{l->logo.html};
    if (form) {
        values["PasswordForm"] = Html{password_form_html(*form)};
        values["ProxyPrefixSignIn"] = std::string(form->action);
        values["CSRFToken"] = std::string(form->csrf);
    }
    const std::string& banner = l->settings.banner;
    values["SignInMessage"] = Html{banner == "-" ? std::string{} : banner};
    values["Banner"] = Html{banner == "-"    ? std::string{}
                            : banner.empty() ? "<p>This application is protected. Sign in to continue.</p>"
                                             : banner};
    const Rendered r = render(*l, kSignIn, std::move(values), form ? form->action : std::string_view{},
                              form ? form->csrf : std::string_view{});
    // A form to /start is redirected to the IdP and, with a session there already, on to the callback and
    // the redirect: form-action must allow each hop.
    const auto& idp = login_endpoint();
    const std::string form_origins = origins({idp ? origin_of(idp()) : std::string{}, origin_of(redirect),
                                              form ? std::string(form->redirect_origin) : std::string{}});
    res.status(status);
    write_security_headers(res, {.inline_code = r.hashes,
                                 .img_origin = l->logo.img_origin,
                                 .form_origins = form_origins,
                                 .same_origin_referrer = form != nullptr});
    if (form && !form->set_cookie.empty()) res.header("Set-Cookie", form->set_cookie);
    for (const auto& c : set_cookies) res.header("Set-Cookie", c);
    res.finish(r.html, "text/html; charset=utf-8");
}

void write_signed_out_page(http::Response& res, std::string_view sign_in_url) {
    const auto l = loaded();
    ValueMap values = common(*l, "Signed out");
    values["SignInURL"] = std::string(sign_in_url);
    values["Redirect"] = std::string("/");
    const Rendered r = render(*l, kSignedOut, std::move(values));
    res.status(200);
    write_security_headers(res, {.inline_code = r.hashes});
    res.finish(r.html, "text/html; charset=utf-8");
}

void follow_login_endpoint(std::function<std::string()> authorization_endpoint) {
    login_endpoint() = std::move(authorization_endpoint);
}

void write_static_asset(http::Response& res, std::string_view name) {
    const auto asset = static_asset(name);
    if (!asset) {
        res.status(404);
        return res.finish("Not Found\n");
    }
    res.status(200);
    res.header("X-Content-Type-Options", "nosniff");
    // The same bytes for as long as this version runs; the URL carries no version, so a week rather than a
    // year lets an upgrade's changes arrive.
    res.header("Cache-Control", "public, max-age=604800");
    res.finish(std::string(*asset), "text/css; charset=utf-8");
}

}  // namespace gh::pages
