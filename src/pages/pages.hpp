#pragma once
// The pages people see: sign-in, errors (with who is signed in and what to do next), signed out. Templates are
// Go templates (template_parser.hpp), built in; --custom-templates-dir replaces any of sign_in.html, error.html,
// signed_out.html (oauth2-proxy's names for the first two), with oauth2-proxy's data names. Headers keep every
// page out of frames and caches; the CSP allows only the page's own inline code (by hash) and our stylesheets.
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "http/response.hpp"
#include "result/result.hpp"

namespace gh::pages {

struct PageSettings {
    std::string provider_name = "OpenID Connect";  // --provider-display-name
    std::string banner;                            // --banner: HTML above the sign-in button; "-" for none
    std::string footer;                            // --footer: HTML at the bottom of every page; "-" for none
    std::string custom_templates_dir;              // --custom-templates-dir
    std::string custom_sign_in_logo;               // --custom-sign-in-logo: a file, an https URL, or "-"
    bool show_debug_on_error = false;              // --show-debug-on-error: the failure's detail as the message
    std::string proxy_prefix = "/oauth2";          // {{.ProxyPrefix}}
    std::string version;
};

// Loads and parses the templates and the logo once, before the I/O threads start; fails naming
// --custom-templates-dir (with the file, line and reason of a template that does not parse) or
// --custom-sign-in-logo.
Result<void> load(const PageSettings& settings);
// The throwing form of load(), for settings known to be good (tests): std::runtime_error.
void configure(const PageSettings& settings);

struct ErrorPage {
    int status = 500;
    std::string_view title;
    std::string_view message;
    std::string_view detail;      // what went wrong technically: the message instead with --show-debug-on-error
    std::string_view request_id;  // also in the log line of the failure
    // {{.Redirect}}: where the user was going; when empty, the rd of retry_url, else "/".
    std::string_view redirect;
    std::string_view retry_url;  // "Try again" (a failed sign-in: the original rd)
    // A signed-in user refused by an app (403): who they are, which app, how to sign out or switch account.
    std::string_view signed_in_as;
    std::string_view app;
    std::string_view sign_out_url;
    std::string_view switch_account_url;
    std::span<const std::string> set_cookies;  // a session renewed on the way here
};

void write_error_page(http::Response& res, const ErrorPage& page);

// The sign-in page's user name and password form (--htpasswd-file with --display-htpasswd-form).
struct PasswordForm {
    std::string_view action;      // where it posts: the proxy prefix's /sign_in
    std::string_view csrf;        // the token the form's CSRF cookie must match
    std::string_view error;       // after a failed attempt: what to tell the user
    std::string_view username;    // typed before, kept in the field after a failed attempt
    std::string_view set_cookie;  // the form's CSRF cookie, sent with the page
    // Where a successful sign-in redirects, when not this host ("https://app.example.com"): the page's CSP
    // form-action must allow it, since browsers check a form's redirects against it.
    std::string_view redirect_origin;
};

// A page with one button that starts the login at `start_url`, and the password form when `form` is set
// (as {{.PasswordForm}}; a custom sign_in.html places it, or leaves it out). `set_cookies`: sent with the page
// (the session cookies it clears, as oauth2-proxy's sign-in page does).
void write_sign_in_page(http::Response& res, std::string_view start_url, int status = 200,
                        const PasswordForm* form = nullptr, std::span<const std::string> set_cookies = {});

void write_signed_out_page(http::Response& res, std::string_view sign_in_url);

// Where <proxy-prefix>/start sends the browser: the IdP's authorization endpoint, asked on every sign-in page
// (discovery may change it). A sign-in form that submits to /start is redirected there, and browsers check each
// redirect of a form against the page's CSP form-action. Set once before the I/O threads start.
void follow_login_endpoint(std::function<std::string()> authorization_endpoint);

// <proxy-prefix>/static/<name>: the stylesheets oauth2-proxy's templates link (static_assets.hpp), cached long;
// 404 for any other name.
void write_static_asset(http::Response& res, std::string_view name);

}  // namespace gh::pages
