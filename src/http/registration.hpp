#pragma once
// A connection's place in its worker's registry (worker.hpp), for the lifetime of the coroutine that serves it:
// holds its deadline for the sweeper, says whether a drain may close it, and gives its count back when it ends.
// Internal to http/.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <list>

#include "http/worker.hpp"

namespace gh::http {

class Registration {
public:
    // `counted`: the count the connection was admitted under (worker.hpp: HTTP's or the HTTP/2 listeners').
    Registration(Worker& w, boost::asio::ip::tcp::socket& s, std::atomic<std::size_t>& counted)
        : worker_(w), counted_(counted) {
        worker_.connections.push_front({&s});
        it_ = worker_.connections.begin();
    }
    ~Registration() {
        worker_.connections.erase(it_);
        counted_.fetch_sub(1, std::memory_order_relaxed);
        worker_.connection_closed();
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

    void set_idle(bool idle) { it_->idle = idle; }
    // The next read or write must finish within `timeout`, or the sweeper closes the socket.
    void arm(std::chrono::milliseconds timeout) { it_->deadline = Worker::Clock::now() + timeout; }
    void arm_until(Worker::Clock::time_point deadline) { it_->deadline = deadline; }
    // While a handler works on a read request, no deadline: what it waits for (the upstream, the IdP, Redis) has
    // a timeout of its own, and a streamed exchange arms one for each of its reads and writes.
    void disarm() { it_->deadline = Worker::Clock::time_point::max(); }
    bool timed_out() const { return it_->timed_out; }
    // For an ending whose expire() did not end the connection (an HTTP/2 connection told to go away at its age):
    // the sweeper watches it again, until `deadline`.
    void rearm_until(Worker::Clock::time_point deadline) {
        it_->timed_out = false;
        it_->deadline = deadline;
    }
    // A connection that drains and times out in its own way (HTTP/2: GOAWAY first) instead of being closed.
    void own_ending(ConnectionEnding* ending) { it_->ending = ending; }

private:
    Worker& worker_;
    std::atomic<std::size_t>& counted_;
    std::list<Worker::Connection>::iterator it_;
};

}  // namespace gh::http
