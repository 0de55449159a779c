#pragma once
// Builds the session store --session-store-type names: cookie, or Redis (standalone, Sentinel or Cluster)
// with one client per I/O thread.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "options/options.hpp"
#include "result/result.hpp"
#include "session/session_store.hpp"

namespace gh::app {

struct BuiltSessionStore {
    std::unique_ptr<session::SessionStore> store;
    std::function<bool()> ready;  // for /ready; empty when the store is always ready
};

// Fails naming the flag when a file it needs (--redis-ca-path) cannot be used.
Result<BuiltSessionStore> make_session_store(const options::Options& o,
                                             const std::vector<boost::asio::any_io_executor>& executors);

}  // namespace gh::app
