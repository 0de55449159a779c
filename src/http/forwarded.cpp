#include "http/forwarded.hpp"

namespace gh::http {
namespace {

// "https, http" from a chain of proxies: the first is what the client used.
std::string_view first_value(std::string_view v) {
    v = v.substr(0, v.find(','));
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
}

bool parse_absolute(std::string_view url, OriginalUrl& out) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) return false;
    const auto scheme = url.substr(0, sep);
    if (scheme != "http" && scheme != "https") return false;
    url.remove_prefix(sep + 3);
    const auto slash = url.find_first_of("/?");
    out.scheme = std::string(scheme);
    out.host = std::string(url.substr(0, slash));
    out.uri = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    if (out.uri.front() == '?') out.uri.insert(0, "/");
    return !out.host.empty();
}

// True when `name` appears at most once. Two values for the original request are ambiguous: which one a
// proxy or an app would use differs (Envoy CVE-2021-32777, via Pomerium CVE-2021-39206), so neither is used.
bool at_most_once(const Request& req, std::string_view name) {
    int seen = 0;
    req.for_each(name, [&seen](std::string_view) { ++seen; });
    return seen <= 1;
}

}  // namespace

OriginalUrl original_url(const Request& req, bool trust_forwarded) {
    OriginalUrl out{req.secure() ? "https" : "http", std::string(req.header("Host")), std::string(req.target())};
    if (!trust_forwarded) return out;
    if (OriginalUrl o; parse_absolute(req.header("X-Original-URL"), o)) return o;
    if (auto proto = first_value(req.header("X-Forwarded-Proto")); proto == "http" || proto == "https")
        out.scheme = std::string(proto);
    if (auto host = first_value(req.header("X-Forwarded-Host")); !host.empty()) out.host = std::string(host);
    if (auto uri = req.header("X-Forwarded-Uri"); !uri.empty()) out.uri = std::string(uri);
    return out;
}

OriginalTarget original_target(const Request& req, bool trust_forwarded) {
    if (!trust_forwarded) return {req.method(), {}, {}};
    for (const char* name : {"X-Original-URL", "X-Forwarded-Uri", "X-Original-Method", "X-Forwarded-Method"})
        if (!at_most_once(req, name)) return {req.method(), {}, {}};
    auto path_of = [](std::string_view uri) { return uri.substr(0, uri.find_first_of("?#")); };
    std::string_view method = req.header("X-Original-Method");
    if (method.empty()) method = req.header("X-Forwarded-Method");
    if (method.empty()) method = req.method();
    if (std::string_view url = req.header("X-Original-URL"); !url.empty()) {
        const auto sep = url.find("://");
        if (sep == std::string_view::npos) return {method, {}, {}};
        url.remove_prefix(sep + 3);
        const auto slash = url.find_first_of("/?#");
        const std::string_view host = url.substr(0, slash);
        return {method, slash == std::string_view::npos || url[slash] != '/' ? "/" : path_of(url.substr(slash)), host};
    }
    return {method, path_of(req.header("X-Forwarded-Uri")), first_value(req.header("X-Forwarded-Host"))};
}

}  // namespace gh::http
