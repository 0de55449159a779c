#include "pages/page_security.hpp"

#include <cctype>

namespace gh::pages {

std::string content_security_policy(const PagePolicy& p) {
    std::string csp = "default-src 'none'";
    // Hashes rather than a nonce: the same page gets the same header, no randomness per response is needed, and
    // a value an attacker controls can never carry a nonce. 'unsafe-hashes' extends the hashes to the event
    // handler attributes (onclick="…") that oauth2-proxy's sign_in.html uses, and nothing else.
    const auto& code = p.inline_code;
    if (!code.scripts.empty()) {
        csp += "; script-src";
        for (const auto& h : code.scripts) (csp += ' ') += h;
        if (code.script_attributes) csp += " 'unsafe-hashes'";
    }
    // 'self' for <proxy-prefix>/static/css/*.css; no scripts from 'self': in reverse-proxy mode the upstream's
    // files share this origin.
    csp += "; style-src 'self'";
    for (const auto& h : code.styles) (csp += ' ') += h;
    if (code.style_attributes) csp += " 'unsafe-hashes'";
    csp += "; img-src data:";
    if (!p.img_origin.empty()) (csp += ' ') += p.img_origin;
    csp += "; frame-ancestors 'none'; form-action 'self'";
    if (!p.form_origins.empty()) (csp += ' ') += p.form_origins;
    csp += "; base-uri 'none'";
    return csp;
}

void write_security_headers(http::Response& res, const PagePolicy& p) {
    res.header("Content-Security-Policy", content_security_policy(p));
    res.header("X-Frame-Options", "DENY");
    res.header("X-Content-Type-Options", "nosniff");
    // With no-referrer a browser sends `Origin: null` with a form, and the password form's origin is what tells
    // a sign-in from our page apart from another site's.
    res.header("Referrer-Policy", p.same_origin_referrer ? "same-origin" : "no-referrer");
    // Pages name the signed-in user: never stored by a browser or a shared cache.
    res.header("Cache-Control", "no-store");
}

std::string origin_of(std::string_view url) {
    std::size_t scheme_end = 0;
    if (url.starts_with("https://"))
        scheme_end = 8;
    else if (url.starts_with("http://"))
        scheme_end = 7;
    else
        return {};
    const auto end = url.find_first_of("/?#", scheme_end);
    const std::string_view origin = url.substr(0, end);
    if (origin.size() == scheme_end) return {};
    // A host, an IPv6 literal and a port only: no wildcard, user info, quote or separator that would widen the
    // CSP source or add another.
    for (char c : origin.substr(scheme_end))
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
            return {};
    return std::string(origin);
}

}  // namespace gh::pages
