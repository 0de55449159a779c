#include "pages/built_in_templates.hpp"

namespace gh::pages {
namespace {

// One stylesheet for every page, inline: the page's CSP allows it by its hash. Colours meet WCAG AA contrast;
// the layout is a single column that fits a phone.
#define GH_PAGE_HEAD                                                                                                  \
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"                                                 \
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{{.Title}}</title><style>"        \
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;background:#f4f5f7;color:#1d1f23;margin:0;"       \
    "display:flex;min-height:100vh;align-items:center;justify-content:center;line-height:1.5}"                        \
    "main{background:#fff;border-radius:8px;padding:2rem;margin:1rem;max-width:30rem;width:100%;"                     \
    "box-shadow:0 1px 4px #0003;box-sizing:border-box}"                                                               \
    "h1{font-size:1.4rem;margin-top:0}.status{color:#4a4f57;font-size:.9rem;margin:0}"                                \
    ".button{display:inline-block;background:#1a56b0;color:#fff;padding:.65rem 1.3rem;border-radius:4px;"             \
    "text-decoration:none;border:0;font-size:1rem;cursor:pointer}.button:focus{outline:3px solid #f0b400}"            \
    ".secondary{background:#fff;color:#1a56b0;border:1px solid #1a56b0}.actions a{margin:0 .5rem .5rem 0}"            \
    ".who{background:#eef3fb;border-radius:4px;padding:.6rem .9rem}footer{font-size:.8rem;color:#4a4f57;"             \
    "margin-top:1.5rem}code{font-size:.85rem}.logo{text-align:center}.logo img,.logo svg{max-height:5rem}"            \
    "form.password{border-top:1px solid #d5d8de;margin-top:1.5rem;padding-top:1rem}"                                  \
    "form.password label{display:block;margin-bottom:.8rem}form.password input{display:block;width:100%;"             \
    "box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #6b7280;border-radius:4px;margin-top:.2rem}" \
    ".error{color:#a4161a;font-weight:600}"                                                                           \
    "</style></head><body><main>"

#define GH_PAGE_FOOTER "<footer>{{if and .Footer (ne .Footer \"-\")}}{{.Footer}}{{end}}</footer></main></body></html>\n"

constexpr std::string_view kSignIn = GH_PAGE_HEAD
    "{{if .LogoData}}<div class=\"logo\">{{.LogoData}}</div>{{end}}<h1>{{.Title}}</h1>{{.Banner}}"
    "<p><a class=\"button\" href=\"{{.SignInURL}}\">Sign in with "
    "{{.ProviderName}}</a></p>{{.PasswordForm}}" GH_PAGE_FOOTER;

constexpr std::string_view kError = GH_PAGE_HEAD
    "<p class=\"status\">Error {{.StatusCode}}</p><h1>{{.Title}}</h1><p>{{.Message}}</p>"
    "{{.Identity}}{{.Actions}}<footer>{{with .RequestID}}<p>Request ID: <code>{{.}}</code></p>{{end}}"
    "{{if and .Footer (ne .Footer \"-\")}}{{.Footer}}{{end}}</footer></main></body></html>\n";

constexpr std::string_view kSignedOut = GH_PAGE_HEAD
    "<h1>{{.Title}}</h1><p>You have been signed out.</p>"
    "<p><a class=\"button\" href=\"{{.SignInURL}}\">Sign in again</a></p>" GH_PAGE_FOOTER;

#undef GH_PAGE_HEAD
#undef GH_PAGE_FOOTER

}  // namespace

std::string_view built_in_sign_in() {
    return kSignIn;
}
std::string_view built_in_error() {
    return kError;
}
std::string_view built_in_signed_out() {
    return kSignedOut;
}

}  // namespace gh::pages
