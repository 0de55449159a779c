#include "authz/redirect_validator.hpp"

#include <algorithm>

#include "text/ascii.hpp"

namespace gh::authz {
namespace {

// Browsers silently drop tabs and newlines inside URLs and treat '\' as '/', so "/\t/evil.com" and
// "/\evil.com" both become "//evil.com". Refusing these characters anywhere closes that family of bypasses.
bool has_dangerous_characters(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '\\';
    });
}

// The character a path character may stand for once something along the way decodes it: browsers read %2e as
// '.' in a path (WHATWG URL), and servers and frameworks decode %2f and %5c before routing or redirecting again.
char as_decoded(std::string_view path, std::size_t& i) {
    if (path[i] == '%' && i + 2 < path.size()) {
        const char hi = path[i + 1];
        const char lo = text::ascii_lower(path[i + 2]);
        if (hi == '2' && lo == 'e') return i += 2, '.';
        if (hi == '2' && lo == 'f') return i += 2, '/';
        if (hi == '5' && lo == 'c') return i += 2, '\\';
    }
    return path[i];
}

// "/x" is local; "//x" is protocol-relative, i.e. another host. Inside the path, an empty segment ("/a//x") or
// a dot segment ("/a/../x", "/a/./x", "/a/%2e%2e/x") is refused as well: resolved by the browser, or normalised
// by the app and echoed as a relative redirect of its own, "/a/..//evil.example" becomes "//evil.example".
// oauth2-proxy refuses "//", "/./" and "/../" (and their backslash forms) in a relative target the same way.
bool is_relative_path(std::string_view s) {
    if (s.empty() || s[0] != '/') return false;
    const std::string_view path = s.substr(0, s.find_first_of("?#"));
    std::size_t segment_dots = 0;  // '.' characters in the current segment, while it holds nothing else
    bool segment_plain = false;    // the current segment holds something other than dots
    for (std::size_t i = 1; i <= path.size(); ++i) {
        const char c = i < path.size() ? as_decoded(path, i) : '/';  // the end closes the last segment
        if (c == '\\') return false;
        if (c == '/') {
            if (!segment_plain && (segment_dots == 0 ? i < path.size() : segment_dots <= 2)) return false;
            segment_dots = 0;
            segment_plain = false;
        } else if (c == '.') {
            ++segment_dots;
        } else {
            segment_plain = true;
        }
    }
    return true;
}

bool valid_host_characters(std::string_view host) {
    if (host.empty() || host.front() == '.' || host.back() == '.' || host.find("..") != std::string_view::npos)
        return false;
    return std::all_of(host.begin(), host.end(), [](char c) {
        return text::is_alnum(c) || c == '.' || c == '-';
    });
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

RedirectValidator::RedirectValidator(std::vector<std::string> whitelist) {
    for (std::string_view w : whitelist) {
        Entry e;
        if (w.starts_with('.')) {
            e.subdomains = true;
            w.remove_prefix(1);
        }
        if (const auto colon = w.rfind(':'); colon != std::string_view::npos) {
            e.port = std::string(w.substr(colon + 1));
            w = w.substr(0, colon);
        }
        e.host = text::lower(w);
        if (!e.host.empty()) entries_.push_back(std::move(e));
    }
}

bool RedirectValidator::host_allowed(std::string_view host, std::string_view port, std::string_view scheme) const {
    const std::string h = text::lower(host);
    for (const auto& e : entries_) {
        // Suffix match only at a label boundary: ".example.com" must not admit "badexample.com".
        const bool host_ok = h == e.host || (e.subdomains && h.size() > e.host.size() + 1 && h.ends_with(e.host) &&
                                             h[h.size() - e.host.size() - 1] == '.');
        if (!host_ok) continue;
        const std::string_view default_port = scheme == "https" ? "443" : "80";
        if (e.port == "*" || (e.port.empty() && (port.empty() || port == default_port)) || (!e.port.empty() && port == e.port))
            return true;
    }
    return false;
}

bool RedirectValidator::is_valid(std::string_view target) const {
    if (target.empty() || has_dangerous_characters(target)) return false;
    if (target.front() == '/') return is_relative_path(target);

    const auto sep = target.find("://");
    if (sep == std::string_view::npos) return false;
    const std::string scheme = text::lower(target.substr(0, sep));
    if (scheme != "http" && scheme != "https") return false;
    std::string_view rest = target.substr(sep + 3);
    const auto end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, end);
    // Userinfo ("https://example.com@evil.com") makes the visible host a decoy.
    if (authority.find('@') != std::string_view::npos) return false;
    std::string_view host = authority;
    std::string_view port;
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (!all_digits(port)) return false;
    }
    if (!valid_host_characters(host)) return false;
    // The path of an absolute target obeys the rules of a relative one: on a whitelisted host,
    // "https://app/a/..//evil.example" still becomes "//evil.example" once the browser or the app resolves it.
    const std::string_view path = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (!path.empty() && path.front() == '/' && !is_relative_path(path)) return false;
    return host_allowed(host, port, scheme);
}

std::string RedirectValidator::sanitize(std::string_view target) const {
    return is_valid(target) ? std::string(target) : std::string("/");
}

}  // namespace gh::authz
