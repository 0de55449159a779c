#include "app/http_server.hpp"

#include <spdlog/spdlog.h>

#include "app/cpu_budget.hpp"
#include "observe/metrics.hpp"
#include "pages/pages.hpp"
#include "version.hpp"

namespace gh::app {
namespace {

// /metrics on its own listener, so that scrapes never share a port (or an exposure) with the auth traffic.
// `server` is filled in once the server exists; the gauge of open connections reads it.
http::Handler metrics_handler(std::shared_ptr<const http::Server*> server) {
    return [server](const http::Request& req, http::Response& res) -> boost::asio::awaitable<void> {
        if (req.path() != "/metrics") {
            res.status(404);
            res.finish("Not Found\n");
            co_return;
        }
        res.status(200);
        const observe::Gauges gauges{.connections_active = *server ? (*server)->open_connections() : 0,
                                     .version = kVersion};
        res.finish(observe::render_prometheus(gauges), "text/plain; version=0.0.4; charset=utf-8");
        co_return;
    };
}

std::vector<http::Listener> listeners(const options::Options& o, const std::shared_ptr<const http::Server*>& server) {
    std::vector<http::Listener> out{{o.http_address.host, o.http_address.port, false}};
    if (o.https_address) out.push_back({o.https_address->host, o.https_address->port, true});
    if (o.metrics_address)
        out.push_back({o.metrics_address->host, o.metrics_address->port, false, metrics_handler(server)});
    return out;
}

http::Limits limits(const options::Options& o) {
    http::Limits limits{.max_header_bytes = o.max_header_bytes,
                        .max_header_count = o.max_header_count,
                        .max_url_length = o.max_url_length,
                        .max_connections = o.max_connections,
                        .header_read_timeout = o.header_read_timeout,
                        .idle_timeout = o.idle_timeout,
                        .shutdown_timeout = o.shutdown_timeout};
    // The only bodies Gatehouse reads itself: back-channel logouts, and the password form's posts.
    limits.body_paths = {o.proxy_prefix + "/backchannel_logout"};
    if (!o.htpasswd_file.empty() && o.display_htpasswd_form) limits.body_paths.push_back(o.proxy_prefix + "/sign_in");
    if (o.proxies()) {
        // Reverse-proxy mode: every request outside the proxy prefix may carry a body of any size, which the
        // proxy streams to its upstream.
        limits.streams = [prefix = o.proxy_prefix + "/", ping = o.ping_path,
                          ready = o.ready_path](std::string_view path) {
            return path != ping && path != ready && !path.starts_with(prefix);
        };
        limits.stream_timeout = o.upstream_timeout;
    }
    return limits;
}

void write_handler_error_page(const http::Request&, http::Response& res, const std::string& id) {
    pages::write_error_page(res, {.status = 500,
                                  .title = "Something went wrong",
                                  .message = "Gatehouse could not answer this request. If it happens again, "
                                             "give the request ID below to your administrators.",
                                  .request_id = id});
}

}  // namespace

IoThreads io_threads(const options::Options& o) {
    if (o.workers > 0) return {.count = o.workers, .why = "--workers=" + std::to_string(o.workers)};
    const auto budget = cpu_budget();
    return {.count = budget.cpus, .why = budget.why};
}

Result<std::unique_ptr<http::Server>> make_server(const options::Options& o, const Router* const& router) {
    std::shared_ptr<boost::asio::ssl::context> tls;
    if (o.https_address) {
        auto loaded = http::load_server_tls({o.tls_cert_file, o.tls_key_file});
        if (!loaded) return failure(loaded.error());
        tls = std::move(*loaded);
    }
    const auto threads = io_threads(o);
    spdlog::info("I/O threads: {} ({})", threads.count, threads.why);
    auto itself = std::make_shared<const http::Server*>(nullptr);
    auto server = std::make_unique<http::Server>(
        listeners(o, itself), std::move(tls), limits(o), threads.count,
        [&router](const http::Request& req, http::Response& res) { return router->handle(req, res); });
    *itself = server.get();
    server->trust_proxies(http::ProxyTrust(o.reverse_proxy, o.trusted_ips, o.real_client_ip_header));
    server->on_handler_error(write_handler_error_page);
    return server;
}

}  // namespace gh::app
