// Where the Redis session store is: one topology, and URLs that parse (their passwords never in a message).
#include "options/checks.hpp"
#include "redis/endpoint.hpp"

namespace gh::options {
namespace {

// The password part of a URL never reaches an error message.
std::string url_for_message(std::string_view url) {
    const auto scheme_end = url.find("://");
    const auto at = url.rfind('@');
    if (scheme_end == std::string_view::npos || at == std::string_view::npos || at < scheme_end) return std::string(url);
    return std::string(url.substr(0, scheme_end + 3)) + "***@" + std::string(url.substr(at + 1));
}

template <class Field>
void check_urls(Checks& c, const Field& field, const std::vector<std::string>& urls) {
    for (const auto& url : urls)
        if (const auto e = redis::read_endpoint(url); !e) c.fail(field, "'" + url_for_message(url) + "' " + e.error().message);
}

}  // namespace

void check_redis(Checks& c) {
    const auto& r = c.o.redis;
    if (r.use_sentinel && r.use_cluster) c.fail(r.use_cluster, "cannot be combined with --redis-use-sentinel");
    if (r.use_sentinel) {
        if (r.sentinel_master_name.empty())
            c.fail(r.sentinel_master_name, "missing (required by --redis-use-sentinel)");
        if (r.sentinel_urls.empty()) c.fail(r.sentinel_urls, "missing (required by --redis-use-sentinel)");
        check_urls(c, r.sentinel_urls, r.sentinel_urls);
    } else if (r.use_cluster) {
        if (r.cluster_urls.empty()) c.fail(r.cluster_urls, "missing (required by --redis-use-cluster)");
        check_urls(c, r.cluster_urls, r.cluster_urls);
    } else if (r.connection_url.empty()) {
        c.fail(r.connection_url, "missing (required by --session-store-type=redis)");
    }
    if (!r.connection_url.empty()) check_urls(c, r.connection_url, {r.connection_url});
}

}  // namespace gh::options
