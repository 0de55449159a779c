#include "http/original_request.hpp"

#include "http/request_checks.hpp"
#include "text/ascii.hpp"

namespace gh::http {
namespace {

// RFC 9110 §5.6.2 token: what a method may be made of.
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s)
        if (!text::is_alnum(c) && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
    return true;
}

bool valid_port(std::string_view port) {
    if (port.empty() || port.size() > 5) return false;
    unsigned value = 0;
    for (const char c : port) {
        if (!text::is_digit(c)) return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value <= 65535;
}

// How many header lines named `name` the request has, stopping at two (all that matters here).
int count_of(const Request& req, std::string_view name) {
    int seen = 0;
    req.for_each(name, [&seen](std::string_view) { seen = seen < 2 ? seen + 1 : 2; });
    return seen;
}

// Reads the host of `authority` and checks `path` and `query` into `out`.
const char* read_parts(std::string_view authority, std::string_view path, std::string_view query, OriginalRequest& out,
                       const char* bad_host, const char* bad_target) {
    if (!canonical_host(authority, out.host, out.port)) return bad_host;
    if (path.empty() || path.front() != '/' || !readable_target(path) || !readable_target(query)) return bad_target;
    out.path = path;
    out.query = query;
    return nullptr;
}

const char* read_x_original(const Request& req, OriginalRequest& out) {
    if (count_of(req, "X-Original-URL") > 1) return "X-Original-URL sent twice";
    if (count_of(req, "X-Original-Method") > 1) return "X-Original-Method sent twice";
    const std::string_view url = req.header("X-Original-URL");
    if (url.empty()) return "no X-Original-URL (the proxy must set it: see docs/security.md)";
    out.method = req.header("X-Original-Method");
    if (out.method.empty()) return "no X-Original-Method (the proxy must set it: see docs/security.md)";
    if (!is_token(out.method)) return "X-Original-Method is not an HTTP method";
    // The same split of a URL as the server's own for an absolute-form request line (http/request_checks.hpp).
    const RequestTarget t = split_request_target(url);
    if (t.form != RequestTarget::Form::absolute || (t.scheme != "http" && t.scheme != "https"))
        return "X-Original-URL is not an absolute http(s) URL";
    // nginx builds it as $scheme://$host$request_uri, and $request_uri always starts with '/'. Anything else after the
    // host means the host itself ended early: "Host: app.example.com?" turns /admin into a query ("...com?/admin").
    if (url.size() <= t.scheme.size() + 3 + t.authority.size() || url[t.scheme.size() + 3 + t.authority.size()] != '/')
        return "X-Original-URL has no path after its host (a '?' or nothing where the path begins)";
    out.scheme = t.scheme;
    return read_parts(t.authority, t.path, t.query, out, "X-Original-URL's host is not a host name",
                      "X-Original-URL holds '#', a space or a control byte");
}

const char* read_x_forwarded(const Request& req, OriginalRequest& out) {
    for (const char* name : {"X-Forwarded-Method", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Uri"})
        if (count_of(req, name) > 1) return "a forwarded header (X-Forwarded-Method/-Proto/-Host/-Uri) sent twice";
    out.method = req.header("X-Forwarded-Method");
    if (out.method.empty()) return "no X-Forwarded-Method (the proxy must set it: see docs/security.md)";
    if (!is_token(out.method)) return "X-Forwarded-Method is not an HTTP method";
    const std::string_view proto = req.header("X-Forwarded-Proto");
    if (proto.empty()) out.scheme = req.secure() ? "https" : "http";
    else if (proto == "http" || proto == "https") out.scheme = proto;
    else return "X-Forwarded-Proto is neither http nor https";
    const std::string_view host = req.header("X-Forwarded-Host");
    if (host.empty()) return "no X-Forwarded-Host (the proxy must set it: see docs/security.md)";
    const std::string_view uri = req.header("X-Forwarded-Uri");
    if (uri.empty()) return "no X-Forwarded-Uri (the proxy must set it: see docs/security.md)";
    const RequestTarget t = split_request_target(uri);
    if (t.form != RequestTarget::Form::origin) return "X-Forwarded-Uri does not start with '/'";
    return read_parts(host, t.path, t.query, out, "X-Forwarded-Host is not one host name",
                      "X-Forwarded-Uri holds '#', a space or a control byte");
}

const char* read_request_line(const Request& req, OriginalRequest& out, std::string_view path_prefix) {
    out.method = req.method();
    out.scheme = req.secure() ? "https" : "http";
    // The server split the target once (an absolute-form target's authority wins over Host, RFC 9112 §3.2.2) and
    // refuses two Host lines itself; checked again here for requests that did not come through it.
    if (count_of(req, "Host") > 1) return "Host sent twice";
    const std::string_view authority = req.authority();
    if (authority.empty()) return "no Host";
    std::string_view path = req.path();
    if (!path_prefix.empty()) {
        // Envoy appends the original path, which always starts with '/', to the prefix.
        if (!path.starts_with(path_prefix)) return "the request target is outside the door's prefix";
        path.remove_prefix(path_prefix.size());
        if (path.empty()) return "no original path after the door's prefix";
    }
    return read_parts(authority, path, req.query(), out, "Host is not a host name",
                      "the request target holds '#', a space or a control byte");
}

}  // namespace

bool canonical_host(std::string_view authority, std::string& host, std::string_view& port) {
    host.clear();
    port = {};
    std::string_view name = authority;
    if (authority.starts_with('[')) {
        // An IPv6 literal: hex digits, ':' and '.', kept in brackets.
        const auto close = authority.find(']');
        if (close == std::string_view::npos || close < 3) return false;
        name = authority.substr(0, close + 1);
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':' || !valid_port(rest.substr(1))) return false;
            port = rest.substr(1);
        }
        for (const char c : name.substr(1, name.size() - 2))
            if (!text::is_digit(c) && !(text::ascii_lower(c) >= 'a' && text::ascii_lower(c) <= 'f') && c != ':' && c != '.') return false;
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        name = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (!valid_port(port)) return false;  // also refuses a second ':'
    }
    // "app.example.com." is the same host to DNS and to nginx's server_name matching: one trailing dot goes.
    if (name.ends_with('.')) name.remove_suffix(1);
    if (name.empty() || name.front() == '.' || name.back() == '.') return false;
    // Written in place, not appended char by char: every request's host passes here (a third of the cost).
    host.resize(name.size());
    const bool literal = name.front() == '[';
    char previous = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool allowed = text::is_alnum(c) || c == '-' || c == '.' || c == '_' || literal;
        if (!allowed || (c == '.' && previous == '.')) {
            host.clear();  // no half-written name for a log line to show
            return false;
        }
        host[i] = text::ascii_lower(c);
        previous = c;
    }
    return true;
}

bool readable_target(std::string_view part) {
    for (const char c : part)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#') return false;
    return true;
}

const char* read_original_request(const Request& req, OriginalSource source, OriginalRequest& out,
                                  std::string_view path_prefix) {
    out.method = out.scheme = out.port = out.path = out.query = {};
    out.host.clear();
    switch (source) {
        case OriginalSource::x_original:
            return read_x_original(req, out);
        case OriginalSource::x_forwarded:
            return read_x_forwarded(req, out);
        case OriginalSource::request_line:
            return read_request_line(req, out, path_prefix);
    }
    return "unknown source";
}

std::string OriginalRequest::authority() const {
    std::string a = host;
    if (!port.empty()) (a += ':') += port;
    return a;
}

std::string OriginalRequest::url() const {
    std::string u(scheme);
    u += "://";
    u += authority();
    u += path;
    if (!query.empty()) (u += '?') += query;
    return u;
}

}  // namespace gh::http
