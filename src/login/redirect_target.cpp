#include "login/redirect_target.hpp"

#include <algorithm>

#include "text/ascii.hpp"

namespace gh::login {
namespace {

// The one value of a header that must not repeat; nullopt when it came twice, or (`list`: a header a chain of
// proxies appends to, "https, http") as a list.
std::optional<std::string_view> single_value(const http::Request& req, std::string_view name, bool list) {
    if (req.repeated(name)) return std::nullopt;
    const std::string_view v = req.header(name);
    if (list && v.find(',') != std::string_view::npos) return std::nullopt;
    return v;
}

// "app.example.com" or "app.example.com:8443": nothing a URL parser could read as userinfo, path or another host.
bool plain_host(std::string_view host) {
    const auto colon = host.find(':');
    const std::string_view name = host.substr(0, colon);
    if (name.empty() || name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos ||
        !std::all_of(name.begin(), name.end(), [](char c) { return text::is_alnum(c) || c == '.' || c == '-'; }))
        return false;
    if (colon == std::string_view::npos) return true;
    const std::string_view port = host.substr(colon + 1);
    return !port.empty() && port.size() <= 5 &&
           std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string requested_redirect(const http::Request& req, bool trust_forwarded) {
    std::string rd = http::query_param(req.query(), "rd").value_or("");
    if (rd.empty() && trust_forwarded) rd = std::string(req.header("X-Auth-Request-Redirect"));
    return rd;
}

std::string forwarded_redirect(const http::Request& req, std::string_view proxy_prefix) {
    const auto uri = single_value(req, "X-Forwarded-Uri", false);
    const auto host = single_value(req, "X-Forwarded-Host", true);
    if (!uri || !host) return {};
    std::string_view path = uri->empty() ? std::string_view("/") : *uri;
    // A path the validator's relative rules refuse ("//evil", "/\\evil", "/%2F%2Fevil", controls) makes the
    // whole URL doubtful: no URL then, not a guess.
    if (path.front() != '/' || path.starts_with("//") || path.starts_with("/%2f") || path.starts_with("/%2F") ||
        std::any_of(path.begin(), path.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u <= 0x20 || u == 0x7f || c == '\\';
        }))
        return {};
    if (path.starts_with(proxy_prefix) && (path.size() == proxy_prefix.size() || path[proxy_prefix.size()] == '/' ||
                                           path[proxy_prefix.size()] == '?'))
        path = "/";
    // Not forwarded from another host (oauth2-proxy getURIRedirect): X-Forwarded-Uri alone, a path on this host.
    if (host->empty() || text::iequals(*host, req.header("Host"))) return path == "/" ? std::string{} : std::string(path);
    const auto proto = single_value(req, "X-Forwarded-Proto", true);
    if (!proto || (*proto != "http" && *proto != "https") || !plain_host(*host)) return {};
    std::string url(*proto);
    url += "://";
    url += *host;
    url += path;
    return url;
}

}  // namespace gh::login
