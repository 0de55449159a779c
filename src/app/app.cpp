#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <thread>

#include "app/provider_config.hpp"
#include "app/router.hpp"
#include "app/session_store_factory.hpp"
#include "pages/pages.hpp"
#include "doors/envoy_grpc/grpc_server.hpp"
#include "authz/email_list.hpp"
#include "gate/gate.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "login/session_refresher.hpp"
#include "observe/logs.hpp"
#include "observe/metrics.hpp"
#include "options/component_configs.hpp"
#include "credentials/basic_auth.hpp"
#include "credentials/bearer_tokens.hpp"
#include "oidc/provider.hpp"
#include "clock/clock.hpp"
#include "version.hpp"

namespace gh::app {

namespace {


// Re-reads a watched file when it changes, once a second: cheap (one stat) and portable.
template <class T>
boost::asio::awaitable<void> watch(authz::WatchedFile<T>& file) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    int generation = file.generation();
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
        if (auto error = file.reload_if_changed(); !error.empty())
            spdlog::warn("{}; keeping the previous version", error);
        else if (file.generation() != generation)
            spdlog::info("reloaded {}", file.path());
        generation = file.generation();
    }
}

// SIGHUP re-reads the files that may change (--authenticated-emails-file, --policy-file) at once, without
// waiting for the once-a-second check; connections and sessions are untouched.
boost::asio::awaitable<void> reload_on_hangup(boost::asio::signal_set& hangup, authz::WatchedEmailList* emails,
                                              authz::WatchedFile<authz::Policy>* policy,
                                              authz::WatchedFile<credentials::Htpasswd>* htpasswd) {
    for (;;) {
        auto [ec, signal] = co_await hangup.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
        if (!emails && !policy && !htpasswd) {
            spdlog::info("received SIGHUP: no --authenticated-emails-file, --policy-file or --htpasswd-file to re-read");
            continue;
        }
        const auto reload = [](auto& file) {
            if (auto error = file.reload(); !error.empty()) spdlog::warn("SIGHUP: {}; keeping the previous version", error);
            else spdlog::info("SIGHUP: reloaded {}", file.path());
        };
        if (emails) reload(*emails);
        if (policy) reload(*policy);
        if (htpasswd) reload(*htpasswd);
    }
}

}  // namespace

int run(const options::Options& opts) {
    // spdlog makes its registry on first use; do it here, before any thread starts, so that no two threads
    // race to make it (spdlog is an uninstrumented library, so ThreadSanitizer cannot see its guard).
    observe::configure_logs(opts.logs);
    {
        std::vector<std::string> reasons;
        for (std::size_t r = 0; r < gate::kReasonCount; ++r) reasons.emplace_back(gate::metric_name(static_cast<gate::Reason>(r)));
        observe::name_reasons(std::move(reasons));
    }
    for (const auto& w : opts.warnings) spdlog::warn("{}", w);
    auto options = std::make_shared<const options::Options>(opts);
    const SystemClock clock;
    std::unique_ptr<authz::WatchedEmailList> emails;
    std::unique_ptr<authz::WatchedFile<authz::Policy>> policy;
    std::unique_ptr<authz::WatchedFile<credentials::Htpasswd>> htpasswd;
    try {
        pages::configure({.provider_name = options->provider_display_name,
                          .banner = options->banner,
                          .footer = options->footer,
                          .custom_templates_dir = options->custom_templates_dir,
                          .version = kVersion});
        if (!options->authenticated_emails_file.empty())
            emails = std::make_unique<authz::WatchedEmailList>("--authenticated-emails-file",
                                                               options->authenticated_emails_file, &authz::EmailList::parse);
        if (!options->htpasswd_file.empty())
            htpasswd = std::make_unique<authz::WatchedFile<credentials::Htpasswd>>("--htpasswd-file", options->htpasswd_file,
                                                                                &credentials::Htpasswd::parse);
        if (!options->policy_file.empty())
            policy = std::make_unique<authz::WatchedFile<authz::Policy>>("--policy-file", options->policy_file,
                                                                         &authz::Policy::parse);
    } catch (const std::exception& e) {
        std::cerr << "gatehouse: " << e.what() << "\n";
        return 2;
    }
    if (policy && !options->reverse_proxy)
        spdlog::warn("--policy-file applies to /oauth2/auth only with --reverse-proxy (the original host and path "
                     "come from the proxy's headers)");
    std::unique_ptr<http::HttpClient> client;
    try {
        client = std::make_unique<http::HttpClient>(
            http::ClientOptions{options->provider_ca_files, options->ssl_insecure_skip_verify});
    } catch (const std::exception& e) {
        std::cerr << "gatehouse: " << e.what() << "\n";
        return 2;
    }
    if (!options->skip_auth_routes.empty() && !options->reverse_proxy)
        spdlog::warn("--skip-auth-route applies to /oauth2/auth only with --reverse-proxy: without it the original "
                     "request's path is unknown and every auth request needs a session");
    oidc::Provider provider(provider_config(*options), *client, clock, identity_completion(*options, *client, clock));
    // --extra-jwt-issuers: each discovered like the login's IdP, for its keys (bearer tokens only).
    std::vector<std::unique_ptr<oidc::Provider>> extra_issuers;
    for (const auto& extra : options->extra_jwt_issuers)
        extra_issuers.push_back(std::make_unique<oidc::Provider>(jwt_issuer_config(*options, extra), *client, clock));
    std::unique_ptr<credentials::BearerTokens> bearer;
    if (options->skip_jwt_bearer_tokens) {
        // A plain OAuth 2.0 provider (GitHub) issues no JWTs: only --extra-jwt-issuers' tokens count then.
        std::vector<credentials::BearerTokens::Issuer> issuers;
        if (!provider.config().oauth2_only) issuers.push_back({&provider, login_audiences(*options)});
        for (std::size_t i = 0; i < extra_issuers.size(); ++i)
            issuers.push_back({extra_issuers[i].get(), {options->extra_jwt_issuers[i].audience}});
        bearer = std::make_unique<credentials::BearerTokens>(std::move(issuers), clock);
    }
    std::unique_ptr<credentials::BasicAuth> basic;
    if (htpasswd) basic = std::make_unique<credentials::BasicAuth>(*htpasswd, options->htpasswd_user_groups, clock);

    // Discovery runs beside the I/O threads and retries until the IdP answers: Gatehouse starts (and
    // /ping answers) even when the IdP is down; /ready waits for it.
    boost::asio::io_context background;
    boost::asio::co_spawn(background, provider.initialise(), boost::asio::detached);
    for (const auto& extra : extra_issuers) boost::asio::co_spawn(background, extra->initialise(), boost::asio::detached);
    if (emails) boost::asio::co_spawn(background, watch(*emails), boost::asio::detached);
    if (policy) boost::asio::co_spawn(background, watch(*policy), boost::asio::detached);
    if (htpasswd) boost::asio::co_spawn(background, watch(*htpasswd), boost::asio::detached);
    // Installed before any thread runs, so that an early SIGHUP is handled rather than ending the process.
    boost::asio::signal_set hangup(background, SIGHUP);
    boost::asio::co_spawn(background, reload_on_hangup(hangup, emails.get(), policy.get(), htpasswd.get()), boost::asio::detached);
    std::thread background_thread([&background] { background.run(); });
    struct JoinBackground {
        boost::asio::io_context& io;
        std::thread& t;
        ~JoinBackground() {
            io.stop();
            t.join();
        }
    } join_background{background, background_thread};

    std::vector<http::Listener> listeners{{options->http_address.host, options->http_address.port, false}};
    if (options->https_address)
        listeners.push_back({options->https_address->host, options->https_address->port, true});
    // /metrics on its own listener, so that scrapes never share a port (or an exposure) with the auth traffic.
    const http::Server* metrics_source = nullptr;
    if (options->metrics_address) {
        listeners.push_back({options->metrics_address->host, options->metrics_address->port, false,
                             [&metrics_source](const http::Request& req, http::Response& res) -> boost::asio::awaitable<void> {
                                 if (req.path() != "/metrics") {
                                     res.status(404);
                                     res.finish("Not Found\n");
                                     co_return;
                                 }
                                 res.status(200);
                                 const observe::Gauges gauges{
                                     .connections_active = metrics_source ? metrics_source->open_connections() : 0,
                                     .version = kVersion};
                                 res.finish(observe::render_prometheus(gauges), "text/plain; version=0.0.4; charset=utf-8");
                                 co_return;
                             }});
    }
    const int threads = options->workers > 0 ? options->workers
                                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    http::Limits limits{.max_header_bytes = options->max_header_bytes,
                        .max_header_count = options->max_header_count,
                        .max_url_length = options->max_url_length,
                        .max_connections = options->max_connections,
                        .header_read_timeout = options->header_read_timeout,
                        .idle_timeout = options->idle_timeout,
                        .shutdown_timeout = options->shutdown_timeout};
    limits.body_paths = {options->proxy_prefix + "/backchannel_logout"};
    if (basic && options->display_htpasswd_form) limits.body_paths.push_back(options->proxy_prefix + "/sign_in");
    if (options->proxies()) {
        // Reverse-proxy mode: every request outside the proxy prefix may carry a body of any size, which the
        // proxy streams to its upstream.
        limits.streams = [prefix = options->proxy_prefix + "/", ping = options->ping_path,
                          ready = options->ready_path](std::string_view path) {
            return path != ping && path != ready && !path.starts_with(prefix);
        };
        limits.stream_timeout = options->upstream_timeout;
    }
    // The server comes first: the Redis store keeps a client on each of its I/O threads. The router comes
    // last, so the handler reaches it through this pointer.
    const Router* router = nullptr;
    std::unique_ptr<http::Server> server;
    try {
        server = std::make_unique<http::Server>(
            listeners, http::TlsFiles{options->tls_cert_file, options->tls_key_file}, limits, threads,
            [&router](const http::Request& req, http::Response& res) { return router->handle(req, res); });
    } catch (const std::exception& e) {
        // An unreadable certificate or key is a configuration error: one line naming the flag, exit 2.
        std::cerr << "gatehouse: " << e.what() << "\n";
        return 2;
    }
    metrics_source = server.get();
    server->trust_proxies(
        http::ProxyTrust(options->reverse_proxy, options->trusted_ips, options->real_client_ip_header));
    server->on_handler_error([](const http::Request&, http::Response& res, const std::string& id) {
        pages::write_error_page(res, {.status = 500,
                                      .title = "Something went wrong",
                                      .message = "Gatehouse could not answer this request. If it happens again, "
                                                 "give the request ID below to your administrators.",
                                      .request_id = id});
    });
    BuiltSessionStore sessions;
    try {
        sessions = make_session_store(*options, server->executors());
    } catch (const std::exception& e) {
        std::cerr << "gatehouse: " << e.what() << "\n";
        return 2;
    }
    // --cookie-refresh: the gate renews sessions inside its decision, the same way for every door.
    const login::SessionRefresher refresher(options::cookie_policy(*options), *sessions.store, provider, clock);
    const gate::Gate gate(options::gate_config(*options), *sessions.store, clock, emails.get(), policy.get(),
                          {.bearer = bearer.get(), .basic = basic.get(), .passwords = basic.get()},
                          options->cookie_refresh.count() > 0 ? &refresher : nullptr);
    const Router routes(options, *sessions.store, gate, provider, clock, sessions.ready);
    router = &routes;
    std::unique_ptr<doors::envoy_grpc::GrpcServer> grpc;
    if (!options->grpc_address.empty()) {
        try {
            grpc = std::make_unique<doors::envoy_grpc::GrpcServer>(gate, options::doors_config(*options),
                                                                  options::grpc_config(*options), server->executors());
        } catch (const std::exception& e) {
            std::cerr << "gatehouse: " << e.what() << "\n";
            return 2;
        }
        spdlog::info("gRPC ext_authz and health on {}{}", options->grpc_address, options->grpc_tls ? " (TLS)" : " (h2c)");
        server->on_signal([&grpc, &options] { grpc->shutdown(options->shutdown_timeout); });
    }
    try {
        server->bind();
        spdlog::info("gatehouse {} listening on http://{}:{}{} with {} I/O threads, {} sessions", kVersion,
                     options->http_address.host, options->http_address.port,
                     options->https_address ? " and https://" + options->https_address->host + ":" +
                                                  std::to_string(options->https_address->port)
                                            : std::string{},
                     threads, options->session_store_type);
        server->run_until_signalled();
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());  // e.g. the address is in use: not a configuration error
        return 1;
    }
    return 0;
}

}  // namespace gh::app
