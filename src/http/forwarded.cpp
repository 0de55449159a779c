#include "http/forwarded.hpp"

#include "http/request_checks.hpp"

namespace gh::http {
namespace {

// "https, http" from a chain of proxies: the first is what the client used.
std::string_view first_value(std::string_view v) {
    v = v.substr(0, v.find(','));
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
}

}  // namespace

OriginalUrl original_url(const Request& req, bool trust_forwarded) {
    OriginalUrl out{req.secure() ? "https" : "http", std::string(req.header("Host")), std::string(req.target())};
    if (!trust_forwarded) return out;
    // The same split of a URL as the server's and the doors' (http/request_checks.hpp).
    if (const auto t = split_request_target(req.header("X-Original-URL"));
        t.form == RequestTarget::Form::absolute && (t.scheme == "http" || t.scheme == "https") && !t.authority.empty()) {
        std::string uri(t.path);
        if (!t.query.empty()) (uri += '?') += t.query;
        return {std::string(t.scheme), std::string(t.authority), std::move(uri)};
    }
    if (auto proto = first_value(req.header("X-Forwarded-Proto")); proto == "http" || proto == "https")
        out.scheme = std::string(proto);
    if (auto host = first_value(req.header("X-Forwarded-Host")); !host.empty()) out.host = std::string(host);
    if (auto uri = req.header("X-Forwarded-Uri"); !uri.empty()) out.uri = std::string(uri);
    return out;
}

std::optional<std::string> https_redirect(const Request& req, bool trust_forwarded, std::uint16_t https_port) {
    OriginalUrl url = original_url(req, trust_forwarded);
    if (url.scheme == "https") return std::nullopt;
    // A port after the host (not inside an IPv6 literal's brackets) was the HTTP listener's: the HTTPS one replaces it.
    if (const auto colon = url.host.rfind(':');
        colon != std::string::npos && url.host.find(']', colon) == std::string::npos) {
        url.host.resize(colon);
        if (https_port != 443) url.host += ":" + std::to_string(https_port);
    }
    if (url.uri.empty() || url.uri.front() != '/') url.uri.insert(0, "/");
    url.scheme = "https";
    return url.to_string();
}

}  // namespace gh::http
