#pragma once
// The HTTP server the options describe: its listeners (http, https, /metrics), request limits, TLS, trusted
// proxies and error page.
#include <memory>
#include <string>

#include "app/router.hpp"
#include "http/server.hpp"
#include "options/options.hpp"
#include "result/result.hpp"

namespace gh::app {

// How many I/O threads to start, and why, for the start log: --workers, or with --workers=0 one per CPU the
// process may use (cpu_budget.hpp: its affinity, capped by its cgroup CPU quota).
struct IoThreads {
    int count = 1;
    std::string why;
};
IoThreads io_threads(const options::Options& o);

// Logs how many I/O threads it starts and why. Fails naming --tls-cert-file or --tls-key-file when https cannot be
// served. `router` is the caller's, set once the router exists: the router needs the server first (the Redis store
// keeps a client on each of its I/O threads), and no request is read before the server runs.
Result<std::unique_ptr<http::Server>> make_server(const options::Options& o, const Router* const& router);

}  // namespace gh::app
