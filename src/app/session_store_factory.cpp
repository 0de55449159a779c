#include "app/session_store_factory.hpp"

#include <boost/asio/ssl/context.hpp>

#include "redis/cluster_client.hpp"
#include "redis/single_client.hpp"
#include "session/cookie_session_store.hpp"
#include "session/redis_session_store.hpp"

namespace gh::app {
namespace {

namespace asio = boost::asio;
using ClientFactory = session::RedisSessionStore::ClientFactory;

// A Redis URL as it stands; the URLs were checked when the options were read, so this fails only by a bug.
Result<redis::Endpoint> parsed_endpoint(const std::string& url) {
    auto e = redis::read_endpoint(url);
    if (!e) return failure(ErrorCode::invalid_value, "redis URL: " + e.error().message);
    return e;
}

// A Redis URL with the credentials --redis-username and --redis-password give.
Result<redis::Endpoint> endpoint_of(const std::string& url, const options::RedisOptions& r) {
    auto e = parsed_endpoint(url);
    if (!e) return e;
    if (!r.username.empty()) e->username = r.username;
    if (!r.password.reveal().empty()) e->password = r.password.reveal();
    return e;
}

bool any_tls(const options::RedisOptions& r) {
    std::vector<std::string> urls = r.sentinel_urls;
    urls.insert(urls.end(), r.cluster_urls.begin(), r.cluster_urls.end());
    if (!r.connection_url.empty()) urls.push_back(r.connection_url);
    for (const auto& u : urls)
        if (u.starts_with("rediss://")) return true;
    return false;
}

Result<std::shared_ptr<asio::ssl::context>> tls_context(const options::RedisOptions& r) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    ctx->set_options(asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    if (r.insecure_skip_tls_verify) {
        ctx->set_verify_mode(asio::ssl::verify_none);
        return ctx;
    }
    ctx->set_verify_mode(asio::ssl::verify_peer);
    boost::system::error_code ec;
    if (r.ca_path.empty()) {
        ctx->set_default_verify_paths(ec);
    } else {
        ctx->load_verify_file(r.ca_path, ec);
        if (ec)
            return failure(ErrorCode::unreadable_file,
                           "--redis-ca-path: cannot load " + r.ca_path + ": " + ec.message());
    }
    return ctx;
}

// Sentinel: the master that the sentinels name, re-asked on every reconnect.
Result<ClientFactory> sentinel_clients(const options::RedisOptions& r, const redis::ConnectionOptions& base) {
    std::vector<redis::Endpoint> sentinels;
    for (const auto& url : r.sentinel_urls) {
        auto e = parsed_endpoint(url);  // the sentinels' own password, not the master's
        if (!e) return failure(e.error());
        if (!r.sentinel_password.reveal().empty()) e->password = r.sentinel_password.reveal();
        sentinels.push_back(*e);
    }
    // The master's credentials and database: from --redis-connection-url when given, else from the flags.
    redis::ConnectionOptions master = base;
    if (!r.connection_url.empty()) {
        auto e = endpoint_of(r.connection_url, r);
        if (!e) return failure(e.error());
        master.endpoint = *e;
    } else {
        master.endpoint.username = r.username;
        master.endpoint.password = r.password.reveal();
        master.endpoint.tls = !sentinels.empty() && sentinels.front().tls;
    }
    return ClientFactory(
        [=, name = r.sentinel_master_name](asio::any_io_executor ex) -> std::unique_ptr<redis::Client> {
            return std::make_unique<redis::SingleClient>(ex, master, name, sentinels);
        });
}

// Cluster: the seed nodes share credentials and TLS with every node the slot map names.
Result<ClientFactory> cluster_clients(const options::RedisOptions& r, const redis::ConnectionOptions& base) {
    std::vector<redis::Endpoint> seeds;
    for (const auto& url : r.cluster_urls) {
        auto e = endpoint_of(url, r);
        if (!e) return failure(e.error());
        seeds.push_back(*e);
    }
    redis::ConnectionOptions node = base;
    node.endpoint = seeds.front();
    return ClientFactory([=](asio::any_io_executor ex) -> std::unique_ptr<redis::Client> {
        return std::make_unique<redis::ClusterClient>(ex, node, seeds);
    });
}

Result<ClientFactory> standalone_clients(const options::RedisOptions& r, const redis::ConnectionOptions& base) {
    auto e = endpoint_of(r.connection_url, r);
    if (!e) return failure(e.error());
    redis::ConnectionOptions single = base;
    single.endpoint = *e;
    return ClientFactory([=](asio::any_io_executor ex) -> std::unique_ptr<redis::Client> {
        return std::make_unique<redis::SingleClient>(ex, single);
    });
}

}  // namespace

Result<BuiltSessionStore> make_session_store(const options::Options& o,
                                             const std::vector<asio::any_io_executor>& executors) {
    const session::CookieSecrets secret = options::cookie_secrets(o);
    if (o.session_store_type != "redis")
        return BuiltSessionStore{std::make_unique<session::CookieSessionStore>(secret, o.cookie_name), {}};

    const options::RedisOptions& r = o.redis;
    redis::ConnectionOptions base;
    base.timeout = r.timeout;
    base.idle_timeout = r.idle_timeout;
    if (any_tls(r)) {
        auto tls = tls_context(r);
        if (!tls) return failure(tls.error());
        base.tls = *tls;
    }
    auto factory = r.use_sentinel  ? sentinel_clients(r, base)
                   : r.use_cluster ? cluster_clients(r, base)
                                   : standalone_clients(r, base);
    if (!factory) return failure(factory.error());
    auto store = std::make_unique<session::RedisSessionStore>(
        secret, o.cookie_name, executors, *factory, session::RedisStoreSettings{.cache_ttl = o.session_cache_ttl});
    const auto* raw = store.get();
    return BuiltSessionStore{std::move(store), [raw] { return raw->connected(); }};
}

}  // namespace gh::app
