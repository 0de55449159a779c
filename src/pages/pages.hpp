#pragma once
// The pages people see: sign-in, errors (with who is signed in and what to do next), signed out. Templates are
// built in; --custom-templates-dir replaces any of sign_in.html, error.html, signed_out.html (oauth2-proxy's
// names for the first two). No external assets; headers keep every page out of frames and caches.
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
    std::string version;
};

// Loads the templates once, before the I/O threads start; fails naming --custom-templates-dir when it is no
// directory or a file there cannot be read.
Result<void> load(const PageSettings& settings);
// The throwing form of load(), for settings known to be good (tests): std::runtime_error.
void configure(const PageSettings& settings);

struct ErrorPage {
    int status = 500;
    std::string_view title;
    std::string_view message;
    std::string_view request_id;  // also in the log line of the failure
    std::string_view retry_url;   // "Try again" (a failed sign-in: the original rd)
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
    std::string_view action;  // where it posts: the proxy prefix's /sign_in
    std::string_view csrf;    // the token the form's CSRF cookie must match
    std::string_view error;   // after a failed attempt: what to tell the user
    std::string_view username;  // typed before, kept in the field after a failed attempt
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

}  // namespace gh::pages
