#include "http/forwarded.hpp"

#include "http/original_request.hpp"

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
    // The same URL parser as the doors' strict reading (http/original_request.hpp).
    if (std::string_view scheme, authority, target; split_absolute_url(req.header("X-Original-URL"), scheme, authority, target)) {
        std::string uri(target);
        if (uri.empty() || uri.front() != '/') uri.insert(0, "/");
        return {std::string(scheme), std::string(authority), std::move(uri)};
    }
    if (auto proto = first_value(req.header("X-Forwarded-Proto")); proto == "http" || proto == "https")
        out.scheme = std::string(proto);
    if (auto host = first_value(req.header("X-Forwarded-Host")); !host.empty()) out.host = std::string(host);
    if (auto uri = req.header("X-Forwarded-Uri"); !uri.empty()) out.uri = std::string(uri);
    return out;
}

}  // namespace gh::http
