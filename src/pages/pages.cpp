#include "pages/pages.hpp"

#include <string>

namespace gh::pages {
namespace {

std::string escape_html(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string layout(std::string_view title, const std::string& body) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>" + escape_html(title) + "</title><style>"
           "body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d1f23;margin:0;display:flex;"
           "min-height:100vh;align-items:center;justify-content:center}"
           "main{background:#fff;border-radius:8px;padding:2rem;max-width:28rem;box-shadow:0 1px 4px #0002}"
           "h1{font-size:1.4rem;margin-top:0}a.button{display:inline-block;background:#1f5fbf;color:#fff;"
           "padding:.6rem 1.2rem;border-radius:4px;text-decoration:none}"
           "</style></head><body><main>" + body + "</main></body></html>\n";
}

void security_headers(http::Response& res) {
    res.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'");
    res.header("X-Frame-Options", "DENY");
    res.header("X-Content-Type-Options", "nosniff");
    res.header("Referrer-Policy", "no-referrer");
    res.header("Cache-Control", "no-store");
}

}  // namespace

void write_error_page(http::Response& res, int status, std::string_view title, std::string_view message,
                      std::string_view retry_url) {
    std::string body = "<h1>" + escape_html(title) + "</h1><p>" + escape_html(message) + "</p>";
    if (!retry_url.empty()) body += "<p><a class=\"button\" href=\"" + escape_html(retry_url) + "\">Try again</a></p>";
    res.status(status);
    security_headers(res);
    res.finish(layout(title, body), "text/html; charset=utf-8");
}

void write_sign_in_page(http::Response& res, std::string_view start_url) {
    const std::string body = "<h1>Sign in</h1><p>This application is protected. Sign in to continue.</p>"
                             "<p><a class=\"button\" href=\"" + escape_html(start_url) + "\">Sign in with OpenID Connect</a></p>";
    res.status(200);
    security_headers(res);
    res.finish(layout("Sign in", body), "text/html; charset=utf-8");
}

}  // namespace gh::pages
