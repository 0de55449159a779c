// upstreamConfig: each upstream becomes one --upstream value (its route is `path`); the per-upstream settings
// Gatehouse holds once for all upstreams (passHostHeader, insecureSkipTLSVerify, timeout) must agree.
#include <optional>
#include <utility>

#include "options/alpha_yaml.hpp"

namespace gh::options::alpha {
namespace {

// A setting that is one flag in Gatehouse and per upstream in oauth2-proxy: the first proxied upstream's value,
// and a problem where another one differs.
class SharedSetting {
public:
    SharedSetting(std::string_view flag, std::string key) : flag_(flag), key_(std::move(key)) {}
    void see(Reader& r, const std::string& value, const std::string& path) {
        if (!first_) {
            first_ = {value, path};
            r.set(flag_, value, path);
        } else if (first_->first != value) {
            r.fail(path, "differs from " + first_->second + ": Gatehouse has one " + key_ + " for all upstreams");
        }
    }

private:
    std::string_view flag_;
    std::string key_;
    std::optional<std::pair<std::string, std::string>> first_;
};

// The --upstream text of a proxied upstream: scheme://authority + the route. oauth2-proxy joins the URI's path
// and the request's; Gatehouse forwards the request's path unchanged, so the URI may name no other path.
std::optional<std::string> proxied_upstream(Reader& r, const std::string& uri, const std::string& route,
                                            const std::string& path) {
    if (uri.starts_with("file://")) {
        const std::string dir = uri.substr(7);
        return "file://" + dir + "#" + route;
    }
    const auto scheme_end = uri.find("://");
    if (scheme_end == std::string::npos || !(uri.starts_with("http://") || uri.starts_with("https://"))) {
        r.fail(child(path, "uri"), "'" + uri + "' must be an http://, https:// or file:// URL");
        return std::nullopt;
    }
    const auto slash = uri.find('/', scheme_end + 3);
    const std::string authority = uri.substr(0, slash);
    const std::string uri_path = slash == std::string::npos ? "" : uri.substr(slash);
    if (!uri_path.empty() && uri_path != "/" && uri_path != route) {
        r.fail(child(path, "uri"), "'" + uri + "' has a path of its own: Gatehouse forwards the request's path "
                                   "unchanged (give the URI without a path, or the upstream's path as `path`)");
        return std::nullopt;
    }
    return authority + route;
}

}  // namespace

void read_upstreams(Reader& r, const YAML::Node& node, const std::string& path) {
    if (!r.mapping(node, path, {"proxyRawPath", "upstreams"})) return;
    // proxyRawPath: Gatehouse always forwards the request target as received, so both values are accepted.
    if (field(node, "proxyRawPath")) r.boolean(field(node, "proxyRawPath"), child(path, "proxyRawPath"));
    const YAML::Node list = field(node, "upstreams");
    if (!list) return;
    const std::string list_path = child(path, "upstreams");
    if (!r.sequence(list, list_path)) return;
    SharedSetting host_header("pass-host-header", "passHostHeader");
    SharedSetting insecure("ssl-upstream-insecure-skip-verify", "insecureSkipTLSVerify");
    SharedSetting timeout("upstream-timeout", "timeout");
    std::vector<std::string> upstreams;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node u = list[i];
        const std::string at = item(list_path, i);
        if (!r.mapping(u, at, {"id", "path", "rewriteTarget", "uri", "insecureSkipTLSVerify", "static", "staticCode",
                               "flushInterval", "passHostHeader", "proxyWebSockets", "timeout", "disableKeepAlives"}))
            continue;
        const auto id = field(u, "id") ? r.text(field(u, "id"), child(at, "id")) : std::nullopt;
        if (!id || id->empty()) r.fail(child(at, "id"), "missing: every upstream needs an id");
        const auto route = field(u, "path") ? r.text(field(u, "path"), child(at, "path")) : std::nullopt;
        if (!route || route->empty()) {
            r.fail(child(at, "path"), "missing: every upstream needs a path");
            continue;
        }
        if (!route->starts_with('/')) {
            r.fail(child(at, "path"), "'" + *route + "': Gatehouse routes by path prefix; regular-expression paths are "
                                      "not supported (give a prefix starting with /)");
            continue;
        }
        r.refuse_if_set(u, "rewriteTarget", at, "the request's path reaches the upstream unchanged");
        r.refuse_if_set(u, "disableKeepAlives", at, "idle upstream connections are always reused");
        if (field(u, "proxyWebSockets"))
            if (auto ws = r.boolean(field(u, "proxyWebSockets"), child(at, "proxyWebSockets")); ws && !*ws)
                r.fail(child(at, "proxyWebSockets"), "not supported by Gatehouse (WebSocket upgrades are always relayed)");
        // flushInterval: Gatehouse writes the upstream's bytes as they come, so any interval is met.
        if (field(u, "flushInterval")) r.text(field(u, "flushInterval"), child(at, "flushInterval"));
        const bool is_static = field(u, "static") && r.boolean(field(u, "static"), child(at, "static")).value_or(false);
        if (is_static) {
            std::string code = "200";
            if (field(u, "staticCode"))
                if (auto c = r.text(field(u, "staticCode"), child(at, "staticCode"))) code = *c;
            upstreams.push_back("static://" + code + (*route == "/" ? "" : *route));
            continue;  // oauth2-proxy ignores the URI and the connection settings of a static upstream
        }
        if (field(u, "staticCode")) r.fail(child(at, "staticCode"), "needs static: true");
        const auto uri = field(u, "uri") ? r.text(field(u, "uri"), child(at, "uri")) : std::nullopt;
        if (!uri || uri->empty()) {
            r.fail(child(at, "uri"), "missing: an upstream that is not static needs a uri");
            continue;
        }
        if (auto text = proxied_upstream(r, *uri, *route, at)) upstreams.push_back(*text);
        // Each proxied upstream counts with its value or oauth2-proxy's default, so that one upstream saying
        // passHostHeader: false beside one that says nothing is a disagreement, not a silent choice.
        auto flag_value = [&](const char* key, const char* fallback) -> std::optional<std::string> {
            if (!field(u, key)) return std::string(fallback);
            if (auto v = r.boolean(field(u, key), child(at, key))) return std::string(*v ? "true" : "false");
            return std::nullopt;
        };
        if (auto v = flag_value("passHostHeader", "true")) host_header.see(r, *v, child(at, "passHostHeader"));
        if (auto v = flag_value("insecureSkipTLSVerify", "false")) insecure.see(r, *v, child(at, "insecureSkipTLSVerify"));
        std::optional<std::string> wait = std::string("30s");
        if (field(u, "timeout")) wait = r.text(field(u, "timeout"), child(at, "timeout"));
        if (wait) timeout.see(r, *wait, child(at, "timeout"));
    }
    if (!upstreams.empty()) r.set("upstream", std::move(upstreams), list_path);
}

}  // namespace gh::options::alpha
