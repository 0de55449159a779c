#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <iostream>
#include <thread>

#include "app/http_server.hpp"
#include "app/memory_return.hpp"
#include "app/router.hpp"
#include "app/session_store_factory.hpp"
#include "app/verifiers.hpp"
#include "app/watched_files.hpp"
#include "clock/clock.hpp"
#include "doors/envoy_grpc/grpc_server.hpp"
#include "gate/gate.hpp"
#include "http/client.hpp"
#include "login/session_refresher.hpp"
#include "observe/logs.hpp"
#include "observe/metrics.hpp"
#include "options/component_configs.hpp"
#include "pages/pages.hpp"
#include "version.hpp"

namespace gh::app {
namespace {

// A configuration problem stops the start: one line each, exit 2 (as for a bad flag). Each line is one write:
// the background thread may be logging already (discovery), and its lines must not land inside ours.
int configuration_error(const Errors& problems) {
    for (const auto& e : problems) std::cerr << ("gatehouse: " + describe(e) + "\n");
    return 2;
}
int configuration_error(const Error& problem) { return configuration_error(Errors{problem}); }

void start_logs(const options::Options& o) {
    // spdlog makes its registry on first use; do it here, before any thread starts, so that no two threads
    // race to make it (spdlog is an uninstrumented library, so ThreadSanitizer cannot see its guard).
    observe::configure_logs(o.logs);
    std::vector<std::string> reasons;
    for (std::size_t r = 0; r < gate::kReasonCount; ++r)
        reasons.emplace_back(gate::metric_name(static_cast<gate::Reason>(r)));
    observe::name_reasons(std::move(reasons));
    for (const auto& w : o.warnings) spdlog::warn("{}", w);
}

// Everything read from files before serving, with every problem of all of them: the page templates and the
// files an operator may edit later.
Result<WatchedFiles, Errors> read_files(const options::Options& o) {
    Errors problems;
    if (auto loaded = pages::load({.provider_name = o.provider_display_name,
                                   .banner = o.banner,
                                   .footer = o.footer,
                                   .custom_templates_dir = o.custom_templates_dir,
                                   .custom_sign_in_logo = o.custom_sign_in_logo,
                                   .show_debug_on_error = o.show_debug_on_error,
                                   .proxy_prefix = o.proxy_prefix,
                                   .version = kVersion});
        !loaded)
        problems.push_back(loaded.error());
    auto files = open_watched_files(o);
    if (!files) problems.insert(problems.end(), files.error().begin(), files.error().end());
    if (!problems.empty()) return failure(std::move(problems));
    return files;
}

// Flags that decide on the original request's host and path, which /oauth2/auth believes from the proxy's
// headers only with --reverse-proxy: without it they do nothing there, and the operator should hear so.
void warn_about_flags_needing_reverse_proxy(const options::Options& o) {
    if (o.reverse_proxy) return;
    if (!o.policy_file.empty())
        spdlog::warn("--policy-file applies to /oauth2/auth only with --reverse-proxy (the original host and path "
                     "come from the proxy's headers)");
    if (!o.skip_auth_routes.empty())
        spdlog::warn("--skip-auth-route applies to /oauth2/auth only with --reverse-proxy: without it the original "
                     "request's path is unknown and every auth request needs a session");
}

// The thread beside the I/O threads: IdP discovery and keys, the watched files, and the free memory given back
// after a burst. Stopped and joined when run() returns, whichever way.
class BackgroundThread {
public:
    BackgroundThread(const Verifiers& verifiers, const WatchedFiles& files) {
        initialise_providers(io_, verifiers);
        watch_files(io_, files);
        return_free_memory_periodically(io_);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~BackgroundThread() {
        io_.stop();
        thread_.join();
    }

private:
    boost::asio::io_context io_;
    std::thread thread_;
};

// --grpc-address: Envoy's ext_authz over gRPC beside the HTTP doors, served by the same I/O threads: a listener
// of its own, or (the same address as --http-address) the HTTP port itself, which tells HTTP/2 from HTTP/1.1 by a
// connection's first bytes. Nothing without the flag.
Result<void> add_grpc(const gate::Gate& gate, const options::Options& o, http::Server& server) {
    if (o.grpc_address.empty()) return {};
    const auto config = options::grpc_config(o);
    auto listener = doors::envoy_grpc::grpc_listener(
        doors::envoy_grpc::grpc_door(gate, options::doors_config(o), config), config);
    if (!listener) return failure(listener.error());
    const auto added = server.add_h2_listener(std::move(*listener));
    if (!added) return failure(ErrorCode::invalid_value, "--grpc-address: " + added.error().message);
    spdlog::info("gRPC ext_authz and health on {}{}", o.grpc_address,
                 *added == http::H2Placement::shared ? " (h2c, shared with HTTP/1.1)" : o.grpc_tls ? " (TLS)" : " (h2c)");
    return {};
}

// Binding comes last, and its failure (an address in use) is not a configuration error: exit 1, not 2.
int listen_and_serve(const options::Options& o, http::Server& server) {
    try {
        server.bind();
        spdlog::info("gatehouse {} listening on http://{}:{}{} with {} I/O threads, {} sessions", kVersion,
                     o.http_address.host, o.http_address.port,
                     o.https_address
                         ? " and https://" + o.https_address->host + ":" + std::to_string(o.https_address->port)
                         : std::string{},
                     server.executors().size(), o.session_store_type);
        server.run_until_signalled();
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
    return 0;
}

// The server and what answers on it. The server comes first: the Redis store keeps a client on each of its I/O
// threads. The router comes last, and the server's handler reaches it through `router`.
int serve(const std::shared_ptr<const options::Options>& options, const Clock& clock, const WatchedFiles& files,
          const Verifiers& verifiers) {
    const Router* router = nullptr;
    auto server = make_server(*options, router);
    if (!server) return configuration_error(server.error());
    auto sessions = make_session_store(*options, (*server)->executors());
    if (!sessions) return configuration_error(sessions.error());
    // --cookie-refresh: the gate renews sessions inside its decision, the same way for every door.
    const login::SessionRefresher refresher(options::cookie_policy(*options), *sessions->store, *verifiers.provider,
                                            clock);
    const gate::Gate gate(options::gate_config(*options), *sessions->store, clock, files.emails.get(),
                          files.policy.get(), verifiers.for_gate(),
                          options->cookie_refresh.count() > 0 ? &refresher : nullptr);
    pages::follow_login_endpoint([&provider = *verifiers.provider] {
        const auto endpoints = provider.endpoints();
        return endpoints ? endpoints->authorization : std::string{};
    });
    const Router routes(options, *sessions->store, gate, *verifiers.provider, clock, sessions->ready);
    router = &routes;
    if (const auto grpc = add_grpc(gate, *options, **server); !grpc) return configuration_error(grpc.error());
    return listen_and_serve(*options, **server);
}

}  // namespace

int run(const options::Options& opts) {
    start_logs(opts);
    const auto options = std::make_shared<const options::Options>(opts);
    const auto files = read_files(*options);
    if (!files) return configuration_error(files.error());
    warn_about_flags_needing_reverse_proxy(*options);
    const auto client =
        http::HttpClient::create(http::ClientOptions{.ca_files = options->provider_ca_files,
                                                     .insecure_skip_verify = options->ssl_insecure_skip_verify,
                                                     .system_trust_store = options->use_system_trust_store});
    if (!client) return configuration_error(client.error());
    const SystemClock clock;
    const Verifiers verifiers = make_verifiers(*options, *client, clock, *files);
    const BackgroundThread background(verifiers, *files);
    return serve(options, clock, *files, verifiers);
}

}  // namespace gh::app
