#pragma once
// Cuts a wait on an upstream short: after `timeout`, unless disarmed (destroyed) first, runs `on_expiry`, which
// closes the socket or cancels the resolver so that the pending operation ends with an error. The expiry handler
// may run after the waiting coroutine moved on; it then does nothing (shared state, not references to the frame).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/stream_traits.hpp>
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

// A watchdog whose expiry closes `stream`'s socket (beneath a TLS layer, if any): the read, write or handshake
// pending on it then ends with an error. Every wait on an upstream connection is bounded this way.
template <class Stream>
Watchdog closing_on_expiry(const boost::asio::any_io_executor& executor, std::chrono::milliseconds timeout,
                           Stream& stream) {
    return Watchdog(executor, timeout, [&stream] {
        boost::system::error_code ignored;
        boost::beast::get_lowest_layer(stream).close(ignored);
    });
}

}  // namespace gh::proxy
