#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "app/router.hpp"
#include "gate/gate.hpp"
#include "http/server.hpp"
#include "session/clock.hpp"
#include "version.hpp"

namespace gh::app {

int run(const options::Options& opts) {
    auto options = std::make_shared<const options::Options>(opts);
    const SystemClock clock;
    const auto& secret = options->cookie_secret.reveal();
    const session::CookieSessionStore store(crypto::as_bytes(secret), options->cookie_name);
    const gate::Gate gate(options, store, clock);
    const Router router(options, store, gate);

    std::vector<http::Listener> listeners{{options->http_address.host, options->http_address.port, false}};
    if (options->https_address)
        listeners.push_back({options->https_address->host, options->https_address->port, true});
    const int threads = options->workers > 0 ? options->workers
                                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const http::Limits limits{options->max_header_bytes, options->max_header_count, options->header_read_timeout,
                              options->idle_timeout, options->shutdown_timeout};
    try {
        http::Server server(listeners, {options->tls_cert_file, options->tls_key_file}, limits, threads,
                            [&router](const http::Request& req, http::Response& res) { router.handle(req, res); });
        server.bind();
        spdlog::info("gatehouse {} listening on http://{}:{}{} with {} I/O threads", kVersion,
                     options->http_address.host, options->http_address.port,
                     options->https_address ? " and https://" + options->https_address->host + ":" +
                                                  std::to_string(options->https_address->port)
                                            : std::string{},
                     threads);
        server.run_until_signalled();
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 1;
    }
    return 0;
}

}  // namespace gh::app
