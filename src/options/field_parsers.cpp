#include "options/field_parsers.hpp"

#include <algorithm>
#include <filesystem>
#include <variant>

#include "authz/skip_routes.hpp"
#include "text/ascii.hpp"

namespace gh::options::parse {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Stores `text` when it is one of `allowed`, else returns `problem` after the quoted text.
std::string one_of(std::string_view text, std::initializer_list<std::string_view> allowed, std::string& into,
                   std::string_view problem) {
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) return quoted(text) + " " + std::string(problem);
    into = std::string(text);
    return {};
}

using Upstream = Options::Upstream;
using UpstreamOrProblem = std::variant<Upstream, std::string>;

// static://CODE[/path]: answered with CODE.
UpstreamOrProblem parse_static_upstream(const std::string& text, std::string_view rest, Upstream u) {
    const auto slash = rest.find('/');
    const auto code = parse_integer(rest.substr(0, slash));
    if (!code || *code < 100 || *code > 599) return "'" + text + "' needs an HTTP status code (static://200)";
    u.status = static_cast<int>(*code);
    if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
    return u;
}

// As oauth2-proxy: file:///dir#/path serves dir's files under /path; without a fragment, under /dir.
UpstreamOrProblem parse_file_upstream(const std::string& text, std::string_view rest, Upstream u) {
    const auto hash = rest.find('#');
    u.directory = std::string(rest.substr(0, hash));
    u.path = hash == std::string_view::npos ? u.directory : std::string(rest.substr(hash + 1));
    if (!u.directory.starts_with('/')) return "'" + text + "' needs an absolute directory (file:///srv/www#/path)";
    if (!u.path.starts_with('/')) return "'" + text + "': the path after # must start with /";
    std::error_code ec;
    if (!std::filesystem::is_directory(u.directory, ec)) return "'" + text + "': " + u.directory + " is not a directory";
    u.kind = Upstream::Kind::file;
    return u;
}

// host[:port] or [IPv6][:port] into `u`; the problem, or empty.
std::string parse_authority(const std::string& text, std::string_view authority, Upstream& u) {
    std::string_view port;
    if (authority.starts_with('[')) {  // [::1]:8080
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return "'" + text + "' has an unclosed [IPv6 address]";
        u.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return "'" + text + "' has a malformed address";
            port = authority.substr(close + 2);
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        u.host = std::string(authority.substr(0, colon));
        port = authority.substr(colon + 1);
    } else {
        u.host = std::string(authority);
    }
    if (u.host.empty() || u.host.find('@') != std::string::npos) return "'" + text + "' needs a host (and no user)";
    if (!port.empty()) {
        const auto p = parse_integer(port);
        if (!p || *p < 1 || *p > 65535) return "'" + text + "' has a bad port";
        u.port = static_cast<std::uint16_t>(*p);
    }
    return {};
}

// http(s)://host[:port][/path]: proxied (reverse-proxy mode).
UpstreamOrProblem parse_http_upstream(const std::string& text, std::string_view rest, Upstream u) {
    if (rest.find_first_of("?#") != std::string_view::npos)
        return "'" + text + "': an upstream URL has no query or fragment";
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
    u.kind = Upstream::Kind::http;
    if (auto problem = parse_authority(text, rest.substr(0, slash), u); !problem.empty()) return problem;
    return u;
}

// One --upstream: static://CODE[/path], file:///dir[#/path] or http(s)://host[:port][/path] (the path is the
// route, as in oauth2-proxy: requests under it go there, their own path unchanged). A problem instead when it is
// none of them.
UpstreamOrProblem parse_upstream(const std::string& text) {
    Upstream u;
    u.text = text;
    const std::string_view rest = text;
    if (rest.starts_with("static://")) return parse_static_upstream(text, rest.substr(9), std::move(u));
    if (rest.starts_with("file://")) return parse_file_upstream(text, rest.substr(7), std::move(u));
    if (rest.starts_with("http://")) return parse_http_upstream(text, rest.substr(7), std::move(u));
    if (!rest.starts_with("https://")) return "'" + text + "' must be http(s)://host:port/path or static://CODE";
    u.tls = true;
    u.port = 443;
    return parse_http_upstream(text, rest.substr(8), std::move(u));
}

std::string log_format(std::string_view text, std::string& into, std::span<const std::string_view> fields) {
    into = std::string(text);
    return observe::check_format(text, fields);
}

}  // namespace

std::string absolute_path(std::string_view text, std::string& into) {
    into = std::string(text);
    return into.starts_with('/') ? std::string{} : "must start with /";
}

std::string prefix_path(std::string_view text, std::string& into) {
    auto problem = absolute_path(text, into);
    while (into.size() > 1 && into.ends_with('/')) into.pop_back();
    return problem;
}

std::string optional_http_url(std::string_view text, std::string& into) {
    into = std::string(text);
    return into.empty() || parse_http_url(into) ? std::string{} : quoted(text) + " is not an http(s) URL";
}

std::string cookie_name(std::string_view text, std::string& into) {
    into = std::string(text);
    if (text.empty()) return "must not be empty (no session cookie could be set or read)";
    for (char c : text)
        if (static_cast<unsigned char>(c) <= ' ' || std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos)
            return quoted(text) + " is not a valid cookie name";
    return {};
}

std::string code_challenge_method(std::string_view text, std::string& into) {
    return one_of(text, {"S256", "plain"}, into, "must be S256 or plain");
}

std::string approval_prompt(std::string_view text, std::string& into) {
    return one_of(text, {"auto", "force"}, into, "must be auto or force");
}

std::string redirect_url(std::string_view text, std::string& into) {
    into = std::string(text);
    // A path is checked against --relative-redirect-url with the other provider checks.
    if (into.empty() || into.starts_with('/') || parse_http_url(into)) return {};
    return quoted(text) + " is not an http(s) URL (or, with --relative-redirect-url, a path)";
}

std::string strip_identity_headers(std::string_view text, bool& into) {
    const auto value = parse_bool(text);
    if (!value) return quoted(text) + " is not a boolean (true or false)";
    // A client's own X-Forwarded-User would reach the app as if Gatehouse had said it: no route may let it through.
    if (!*value)
        return "false is not supported: Gatehouse always removes the identity headers it sets from client requests "
               "(an app cannot tell a client's X-Forwarded-User from Gatehouse's); leave it at true";
    into = true;
    return {};
}

std::string session_store_type(std::string_view text, std::string& into) {
    return one_of(text, {"cookie", "redis"}, into, "must be cookie or redis");
}

std::string same_site(std::string_view text, session::SameSite& into) {
    if (text.empty()) into = session::SameSite::unset;
    else if (text == "lax") into = session::SameSite::lax;
    else if (text == "strict") into = session::SameSite::strict;
    else if (text == "none") into = session::SameSite::none;
    else return quoted(text) + " must be lax, strict, none or empty";
    return {};
}

std::string original_request_headers(std::string_view text, Options::OriginalRequestHeaders& into) {
    if (text == "x-forwarded") into = Options::OriginalRequestHeaders::x_forwarded;
    else if (text == "x-original") into = Options::OriginalRequestHeaders::x_original;
    else return quoted(text) + " must be x-original (nginx, ingress-nginx) or x-forwarded (Traefik's ingress-nginx provider)";
    return {};
}

std::string client_ip_header(std::string_view text, std::string& into) {
    for (const char* known : {"X-Real-IP", "X-Forwarded-For", "X-ProxyUser-IP"})
        if (text::iequals(text, known)) {
            into = known;
            return {};
        }
    return quoted(text) + " must be X-Real-IP, X-Forwarded-For or X-ProxyUser-IP";
}

std::string listen_address(std::string_view text, ListenAddress& into) {
    const auto a = parse_listen_address(text);
    if (!a) return quoted(text) + " is not host:port";
    into = *a;
    return {};
}

std::string optional_listen_address(std::string_view text, std::optional<ListenAddress>& into) {
    into.reset();
    if (text.empty()) return {};
    return listen_address(text, into.emplace());
}

std::string optional_listen_text(std::string_view text, std::string& into) {
    into = std::string(text);
    return text.empty() || parse_listen_address(text) ? std::string{} : quoted(text) + " is not host:port";
}

std::string logging_format(std::string_view text, bool& json) {
    json = text == "json";
    return json || text == "text" ? std::string{} : quoted(text) + " must be text or json";
}

std::string standard_log_format(std::string_view text, std::string& into) {
    return log_format(text, into, observe::standard_fields());
}
std::string request_log_format(std::string_view text, std::string& into) {
    return log_format(text, into, observe::request_fields());
}
std::string auth_log_format(std::string_view text, std::string& into) {
    return log_format(text, into, observe::auth_fields());
}

std::string at_least_a_second(std::string_view text, std::chrono::milliseconds& into) {
    const auto v = parse_duration(text);
    if (v) into = *v;
    return v && *v >= std::chrono::seconds(1) ? std::string{} : "must be at least 1s";
}

std::string add_absolute_path(std::string_view item, std::vector<std::string>& into) {
    into.emplace_back(item);
    return item.starts_with('/') ? std::string{} : quoted(item) + " must start with /";
}

std::string add_ip_range(std::string_view item, std::vector<http::IpRange>& into) {
    const auto range = http::IpRange::parse(std::string(item));
    if (!range) return quoted(item) + " is not an IP address or CIDR range (10.0.0.0/8, fd00::/8)";
    into.push_back(*range);
    return {};
}

std::string add_upstream(std::string_view item, std::vector<Options::Upstream>& into) {
    auto parsed = parse_upstream(std::string(item));
    if (auto* error = std::get_if<std::string>(&parsed)) return *error;
    auto& u = std::get<Options::Upstream>(parsed);
    const bool taken = std::any_of(into.begin(), into.end(), [&](const auto& other) { return other.path == u.path; });
    if (taken) return quoted(item) + ": another upstream already serves " + u.path;
    into.push_back(std::move(u));
    return {};
}

std::string add_certificate_source(std::string_view item, Options::ClientCertificateHeaders& into) {
    if (item == "ingress-nginx") into.ingress_nginx = true;
    else if (item == "envoy") into.envoy = true;
    else return quoted(item) + " must be ingress-nginx or envoy";
    return {};
}

std::string add_jwt_issuer(std::string_view item, std::vector<Options::JwtIssuer>& into) {
    // issuer=audience, split at the first '=' as oauth2-proxy does (an issuer URL has no '=' before its path).
    const auto eq = item.find('=');
    Options::JwtIssuer issuer;
    if (eq != std::string_view::npos) issuer = {std::string(item.substr(0, eq)), std::string(item.substr(eq + 1))};
    if (issuer.audience.empty() || !(issuer.issuer.starts_with("https://") || issuer.issuer.starts_with("http://")))
        return quoted(item) + " is not issuer=audience (an http(s) issuer URL and an audience)";
    into.push_back(std::move(issuer));
    return {};
}

std::string cookie_secret(std::string_view text, Secret& into) {
    if (auto bytes = parse_cookie_secret(text)) {
        into = Secret(std::string(bytes->begin(), bytes->end()));
        return {};
    }
    return "must be 16, 24 or 32 bytes, raw or base64 (got " + std::to_string(text.size()) + " characters)";
}

std::string add_cookie_secret(std::string_view item, std::vector<Secret>& into) {
    auto problem = cookie_secret(item, into.emplace_back());
    if (!problem.empty()) into.pop_back();
    return problem;
}

std::string add_path_regex(std::string_view item, std::vector<std::string>& into) {
    // Grouped, an empty regex would still match every path: refused as SkipRoutes refuses "GET=".
    if (item.empty()) return "'' has no path regex (an empty one would match every path)";
    const std::string grouped = "(?:" + std::string(item) + ")";
    if (const auto compiled = authz::SkipRoutes::compile({grouped}, false); !compiled) {
        std::string why = describe(compiled.error().front());
        why.replace(why.find(grouped), grouped.size(), item);  // name it as the user wrote it
        return why;
    }
    into.push_back(grouped);
    return {};
}

}  // namespace gh::options::parse
