#include "session/set_cookie.hpp"

#include "text/http_date.hpp"

namespace gh::session {
namespace {

void append_attributes(std::string& out, const CookieAttributes& a) {
    out += "; Path=";
    out += a.path;
    if (!a.domain.empty()) {
        out += "; Domain=";
        out += a.domain;
    }
    if (a.http_only) out += "; HttpOnly";
    if (a.secure) out += "; Secure";
    switch (a.same_site) {
        case SameSite::lax: out += "; SameSite=Lax"; break;
        case SameSite::strict: out += "; SameSite=Strict"; break;
        case SameSite::none: out += "; SameSite=None"; break;
        case SameSite::unset: break;
    }
}

}  // namespace

std::string format_set_cookie(std::string_view name, std::string_view value, const CookieAttributes& attrs,
                              std::int64_t now) {
    std::string out;
    out.reserve(name.size() + value.size() + 160);
    out.append(name).append("=").append(value);
    append_attributes(out, attrs);
    if (attrs.max_age > 0) {
        out += "; Expires=";
        out += text::format_http_date(now + attrs.max_age);
        out += "; Max-Age=";
        out += std::to_string(attrs.max_age);
    }
    return out;
}

std::string format_clearing_cookie(std::string_view name, const CookieAttributes& attrs) {
    std::string out;
    out.append(name).append("=");
    append_attributes(out, attrs);
    out += "; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0";
    return out;
}

}  // namespace gh::session
