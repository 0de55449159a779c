#include "proxy/upstream_head.hpp"

#include <algorithm>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "identity/identity_headers.hpp"
#include "session/cookie_jar.hpp"
#include "text/ascii.hpp"

namespace gh::proxy {
namespace {

namespace http_ = boost::beast::http;
using boost::beast::iequals;

// Whether the client's own Authorization must not reach the upstream: whenever Gatehouse sets one of its own for
// signed-in requests (--pass-authorization-header, or --pass-basic-auth, on by default). The app then learns to
// trust that header as the user, so on a public route a client's "Authorization: Basic admin:" must not reach it
// either (oauth2-proxy's --skip-auth-strip-headers, on by default, strips the headers it would set). A public API
// that checks its own tokens wants --pass-basic-auth=false.
// Otherwise (that flag off, or --alpha-config not injecting Authorization), on a request signed in by anything but
// --htpasswd-file, only one plain credential of another scheme reaches the app (a Bearer token it checks itself).
// A Basic one names a user Gatehouse never checked ("Basic admin:<JWT>" signs in the JWT's subject), and apps
// read "Basic" loosely (split at any white space, or base64 from the sixth character on), so any value whose
// scheme begins with "basic", or that holds more than one credential or odd spacing, is ambiguous and dropped.
bool is_one_plain_non_basic_credential(std::string_view value) {
    std::size_t scheme_end = 0;
    while (scheme_end < value.size() && text::is_tchar(value[scheme_end])) ++scheme_end;
    const std::string_view scheme = value.substr(0, scheme_end);
    if (scheme.empty() || (scheme.size() >= 5 && iequals(scheme.substr(0, 5), "basic"))) return false;
    const std::string_view rest = value.substr(scheme_end);
    if (rest.empty()) return true;
    if (rest.front() != ' ') return false;
    // token68 after one space: no comma (a second credential), no white space or control character.
    return std::all_of(rest.begin() + 1, rest.end(), [](char c) {
        return c > 0x20 && c < 0x7f && c != ',';
    }) && rest.size() > 1;
}

bool drops_client_authorization(const Config& o, const session::Session* s, std::string_view value) {
    const bool ours = o.request_headers ? false  // --alpha-config: dropped when its list names Authorization
                                        : o.pass_authorization_header || o.pass_basic_auth;
    if (ours) return true;
    return s != nullptr && !s->from_htpasswd && !is_one_plain_non_basic_credential(value);
}

void add(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(header_safe(value)).append("\r\n");
}

// The Cookie header without our cookies (name, name_0 …, name_csrf, name_form): the session is Gatehouse's, not
// the upstream's, and is a credential. Empty when nothing is left.
std::string foreign_cookies(const http::Request& req, const std::string& ours) {
    std::string kept;
    req.for_each("Cookie", [&](std::string_view header) {
        while (!header.empty()) {
            const auto semi = header.find(';');
            std::string_view pair = header.substr(0, semi);
            header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
            // Trimmed as the gate's CookieJar trims: a name it reads as ours ("_oauth2_proxy =…") is ours here too,
            // or the session would reach the app.
            pair = session::trim_cookie_space(pair);
            const std::string_view name = session::trim_cookie_space(pair.substr(0, pair.find('=')));
            if (pair.empty() || name == ours ||
                (name.starts_with(ours) && name.size() > ours.size() && name[ours.size()] == '_'))
                continue;
            if (!kept.empty()) kept += "; ";
            kept += pair;
        }
    });
    return kept;
}

// Whether the comma-separated `list` (a Connection header) holds `token`, without regard to case.
bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty() && iequals(item, token)) return true;
    }
    return false;
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) {
        if (!out.empty()) out += ',';
        out += v;
    }
    return out;
}

}  // namespace

std::string header_safe(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value)
        if (c != '\r' && c != '\n' && c != '\0') out += c;
    return out;
}

std::string answer_head_lines(const session::Session* s, const Config& o,
                              const std::vector<std::string>& set_cookies) {
    std::string lines;
    for (const auto& c : set_cookies) add(lines, "Set-Cookie", c);
    if (s) identity::for_each_identity_header(*s, o, [&](std::string_view name, std::string_view value) { add(lines, name, value); });
    return lines;
}

std::string_view requested_upgrade(const http::Request& req, const Config& o) {
    if (!o.proxy_websockets) return {};
    const std::string_view upgrade = req.header("Upgrade");
    // WebSocket only: an "h2c" upgrade would open an HTTP/2 connection to the app whose later requests no rule
    // ever sees (h2c smuggling).
    return iequals(upgrade, "websocket") && has_token(req.header("Connection"), "upgrade") ? upgrade : std::string_view{};
}

bool is_hop_by_hop(std::string_view name, std::string_view connection) {
    for (const char* h : {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                          "upgrade", "http2-settings", "proxy-authorization", "proxy-authenticate"})
        if (iequals(name, h)) return true;
    // Every token of Connection names another hop-by-hop header.
    return has_token(connection, name);
}

namespace {

// The client's header fields the upstream may see: neither hop-by-hop ones nor those written anew below, nor any
// look-alike of a header Gatehouse sets for the app.
void copy_client_fields(const http::Request& req, const Config& o, const session::Session* s,
                        std::string& out) {
    const std::string_view connection = req.header("Connection");
    for (const auto& field : req.header_fields()) {
        const std::string_view name = field.name_string();
        if (is_hop_by_hop(name, connection) || identity::is_identity_header(name) || iequals(name, "host") ||
            // --alpha-config: the client's own value of a header Gatehouse injects never reaches the app
            // (oauth2-proxy's preserveRequestValue: true is refused).
            (o.request_headers && identity::is_injected_header(name, *o.request_headers)) ||
            iequals(name, "content-length") || iequals(name, "cookie") || iequals(name, "expect") ||
            // Written anew below; a client's X_Forwarded_For would reach a CGI app as the same variable.
            identity::same_header_to_an_app(name, "x-forwarded-for") ||
            identity::same_header_to_an_app(name, "x-forwarded-proto") ||
            identity::same_header_to_an_app(name, "x-forwarded-host") ||
            (iequals(name, "authorization") && drops_client_authorization(o, s, field.value())))
            continue;
        add(out, name, field.value());
    }
}

// Who the user is, as the flags ask the app to be told.
void add_user_headers(const Config& o, const session::Session& s, std::string& out) {
    if (o.request_headers) {  // --alpha-config's injectRequestHeaders, instead of the flags below
        for (const auto& h : *o.request_headers)
            if (const auto value = identity::injected_value(h, s); !value.empty()) add(out, h.name, value);
        return;
    }
    // As oauth2-proxy: --pass-basic-auth brings the user and e-mail headers even without --pass-user-headers.
    if (o.pass_user_headers || o.pass_basic_auth) {
        add(out, "X-Forwarded-User", identity::upstream_user(s, o));
        if (!s.email.empty()) add(out, "X-Forwarded-Email", s.email);
    }
    if (o.pass_user_headers) {
        if (!s.groups.empty()) add(out, "X-Forwarded-Groups", joined(s.groups));
        const std::string& preferred = s.preferred_username.empty() ? s.user : s.preferred_username;
        add(out, "X-Forwarded-Preferred-Username", preferred);
    }
    if (o.pass_access_token && !s.access_token.empty()) add(out, "X-Forwarded-Access-Token", s.access_token);
    if (o.pass_authorization_header) {
        if (!s.id_token.empty()) add(out, "Authorization", "Bearer " + s.id_token);
    } else if (o.pass_basic_auth) {
        add(out, "Authorization",
            identity::basic_credentials(identity::upstream_user(s, o), o.basic_auth_password.reveal()));
    }
}

}  // namespace

void write_upstream_head(const http::Request& req, const Config& o, const Upstream& to,
                         const session::Session* s, std::string_view client_ip, const BodyFraming& body,
                         std::string& out) {
    out.clear();
    out.append(req.method()).append(" ").append(req.target()).append(" HTTP/1.1\r\n");
    copy_client_fields(req, o, s, out);
    // The host the gate decided on (an absolute-form target's authority wins over Host, RFC 9112 §3.2.2): the app
    // must hear of the same one.
    const std::string_view host = req.authority();
    if (o.pass_host_header && !host.empty())
        add(out, "Host", host);
    else
        add(out, "Host", to.port == (to.tls ? 443 : 80) ? to.host : to.host + ":" + std::to_string(to.port));
    if (const auto cookies = foreign_cookies(req, o.cookie_name); !cookies.empty()) add(out, "Cookie", cookies);

    const bool trusted = req.via_trusted_proxy();
    const std::string_view forwarded_for = trusted ? req.header("X-Forwarded-For") : std::string_view{};
    add(out, "X-Forwarded-For",
        forwarded_for.empty() ? std::string(client_ip) : std::string(forwarded_for) + ", " + std::string(client_ip));
    const std::string_view proto = trusted ? req.header("X-Forwarded-Proto") : std::string_view{};
    add(out, "X-Forwarded-Proto", !proto.empty() ? proto : req.secure() ? "https" : "http");
    // Not a proxy's X-Forwarded-Host, even a trusted one's: the policy was matched against `host`.
    if (!host.empty()) add(out, "X-Forwarded-Host", host);

    if (s) add_user_headers(o, *s, out);
    if (const auto upgrade = requested_upgrade(req, o); !upgrade.empty()) {
        add(out, "Connection", "Upgrade");
        add(out, "Upgrade", upgrade);
    }
    if (body.content_length) {
        if (*body.content_length > 0 || req.method() == "POST" || req.method() == "PUT" || req.method() == "PATCH")
            add(out, "Content-Length", std::to_string(*body.content_length));
    } else {
        add(out, "Transfer-Encoding", "chunked");
    }
    out.append("\r\n");
}

namespace {
// RFC 9110 §8.6: no Content-Length on a 1xx or 204 answer (a client honouring one would read the next answer as
// its body).
bool status_may_have_length(int status) { return status >= 200 && status != 204; }
}  // namespace

void write_client_head(const boost::beast::http::response_header<>& upstream, bool has_body,
                       std::optional<std::uint64_t> content_length, bool chunked_ok, bool keep_alive,
                       std::string& out) {
    out.clear();
    out.append("HTTP/1.1 ").append(std::to_string(upstream.result_int())).append(" ");
    out.append(upstream.reason().empty() ? std::string_view(http_::obsolete_reason(upstream.result()))
                                         : std::string_view(upstream.reason()));
    out.append("\r\n");
    const std::string_view connection = upstream[http_::field::connection];
    for (const auto& field : upstream) {
        const std::string_view name = field.name_string();
        if (is_hop_by_hop(name, connection) || iequals(name, "content-length")) continue;
        add(out, name, field.value());
    }
    if (has_body) {
        if (content_length)
            add(out, "Content-Length", std::to_string(*content_length));
        else if (chunked_ok)
            add(out, "Transfer-Encoding", "chunked");
    } else if (content_length && status_may_have_length(upstream.result_int())) {
        add(out, "Content-Length", std::to_string(*content_length));  // a HEAD answer says how long the body would be
    }
    // An HTTP/1.0 client (no chunked) keeps its connection only when told so.
    if (!keep_alive) add(out, "Connection", "close");
    else if (!chunked_ok) add(out, "Connection", "keep-alive");
    out.append("\r\n");
}

}  // namespace gh::proxy
