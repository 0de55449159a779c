#pragma once
// Cuts a wait on an upstream short: after `timeout`, unless disarmed (destroyed) first, runs `on_expiry`, which
// closes the socket or cancels the resolver so that the pending operation ends with an error. The expiry handler
// may run after the waiting coroutine moved on; it then does nothing (shared state, not references to the frame).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace gh::proxy {

class Watchdog {
public:
    Watchdog(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
             std::function<void()> on_expiry)
        : state_(std::make_shared<State>()), timer_(executor, timeout) {
        state_->on_expiry = std::move(on_expiry);
        timer_.async_wait([state = state_](boost::system::error_code ec) {
            if (ec || !state->armed) return;
            state->fired = true;
            state->on_expiry();
        });
    }
    ~Watchdog() {
        state_->armed = false;
        timer_.cancel();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    bool fired() const { return state_->fired; }

private:
    struct State {
        bool armed = true;
        bool fired = false;
        std::function<void()> on_expiry;
    };
    std::shared_ptr<State> state_;
    boost::asio::steady_timer timer_;
};

}  // namespace gh::proxy
