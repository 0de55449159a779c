#pragma once
// How a plain-TCP connection the server ends is closed: half-closed, then drained for a second at most, so that the
// client reads what was last written to it (a refusal, a GOAWAY) instead of a reset. Internal to http/.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/worker.hpp"

namespace gh::http {

class Registration;

// Ends a served connection (`reg`, its place in the worker's registry). Returns once the client closed its side,
// the second is over or the worker drains.
boost::asio::awaitable<void> close_lingering(Worker& w, boost::asio::ip::tcp::socket& socket, Registration& reg);

// Ends a connection refused at --max-connections, whose answer (503, GOAWAY) was written, the same way. It holds a
// descriptor past the cap for that second, so at most kMaxLingeringRefusals do so at once over the process; false
// when that many already are (the caller closes the socket at once).
constexpr std::size_t kMaxLingeringRefusals = 64;
bool linger_refused(Worker& w, boost::asio::ip::tcp::socket& socket);

}  // namespace gh::http
