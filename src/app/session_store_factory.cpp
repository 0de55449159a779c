#include "app/session_store_factory.hpp"

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

#include "redis/cluster_client.hpp"
#include "redis/single_client.hpp"
#include "session/cookie_session_store.hpp"
#include "session/redis_session_store.hpp"

namespace gh::app {
namespace {

namespace asio = boost::asio;

redis::Endpoint endpoint_of(const std::string& url, const options::RedisOptions& r) {
    std::string why;
    auto e = redis::parse_endpoint(url, why);
    if (!e) throw std::runtime_error("redis URL: " + why);  // validated at parse time; defensive
    if (!r.username.empty()) e->username = r.username;
    if (!r.password.reveal().empty()) e->password = r.password.reveal();
    return *e;
}

bool any_tls(const options::RedisOptions& r) {
    std::vector<std::string> urls = r.sentinel_urls;
    urls.insert(urls.end(), r.cluster_urls.begin(), r.cluster_urls.end());
    if (!r.connection_url.empty()) urls.push_back(r.connection_url);
    for (const auto& u : urls)
        if (u.starts_with("rediss://")) return true;
    return false;
}

std::shared_ptr<asio::ssl::context> tls_context(const options::RedisOptions& r) {
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
        if (ec) throw std::runtime_error("--redis-ca-path: cannot load " + r.ca_path + ": " + ec.message());
    }
    return ctx;
}

}  // namespace

BuiltSessionStore make_session_store(const options::Options& o, const std::vector<asio::any_io_executor>& executors) {
    const session::CookieSecrets secret = options::cookie_secrets(o);
    if (o.session_store_type != "redis")
        return {std::make_unique<session::CookieSessionStore>(secret, o.cookie_name), {}};

    const options::RedisOptions& r = o.redis;
    redis::ConnectionOptions base;
    base.timeout = r.timeout;
    base.idle_timeout = r.idle_timeout;
    if (any_tls(r)) base.tls = tls_context(r);

    session::RedisSessionStore::ClientFactory factory;
    if (r.use_sentinel) {
        std::vector<redis::Endpoint> sentinels;
        for (const auto& url : r.sentinel_urls) {
            std::string why;
            auto e = *redis::parse_endpoint(url, why);
            if (!r.sentinel_password.reveal().empty()) e.password = r.sentinel_password.reveal();
            sentinels.push_back(e);
        }
        // The master's credentials and database: from --redis-connection-url when given, else from the flags.
        redis::ConnectionOptions master = base;
        if (!r.connection_url.empty()) master.endpoint = endpoint_of(r.connection_url, r);
        else {
            master.endpoint.username = r.username;
            master.endpoint.password = r.password.reveal();
            master.endpoint.tls = !sentinels.empty() && sentinels.front().tls;
        }
        factory = [=](asio::any_io_executor ex) -> std::unique_ptr<redis::Client> {
            return std::make_unique<redis::SingleClient>(ex, master, r.sentinel_master_name, sentinels);
        };
    } else if (r.use_cluster) {
        std::vector<redis::Endpoint> seeds;
        for (const auto& url : r.cluster_urls) seeds.push_back(endpoint_of(url, r));
        redis::ConnectionOptions node = base;
        node.endpoint = seeds.front();  // credentials and TLS shared by every node
        factory = [=](asio::any_io_executor ex) -> std::unique_ptr<redis::Client> {
            return std::make_unique<redis::ClusterClient>(ex, node, seeds);
        };
    } else {
        redis::ConnectionOptions single = base;
        single.endpoint = endpoint_of(r.connection_url, r);
        factory = [=](asio::any_io_executor ex) -> std::unique_ptr<redis::Client> {
            return std::make_unique<redis::SingleClient>(ex, single);
        };
    }
    auto store = std::make_unique<session::RedisSessionStore>(
        secret, o.cookie_name, executors, factory, session::RedisStoreSettings{.cache_ttl = o.session_cache_ttl});
    const auto* raw = store.get();
    return {std::move(store), [raw] { return raw->connected(); }};
}

}  // namespace gh::app
