#pragma once
// Reverse-proxy mode (--upstream=http://…): an allowed request goes to its upstream and the answer comes back,
// both bodies streamed through a fixed buffer (a large upload or download never sits in memory whole), on the
// client connection's own I/O thread, over a kept-alive upstream connection when one is idle.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "proxy/config.hpp"
#include "session/session.hpp"

namespace gh::proxy {

class ReverseProxy {
public:
    explicit ReverseProxy(Config config);

    // `req` must be a streamed request (Request::exchange). `s`: the user, or nullptr on a public route. When the
    // upstream cannot be reached (or answers nothing) the client gets 502 (504 after --upstream-timeout) through
    // `res`; once the upstream's answer has begun, a failure can only close the connection.
    // `set_cookies`: added to the answer (a session renewed on the way).
    boost::asio::awaitable<void> forward(const http::Request& req, const Upstream& to,
                                         const session::Session* s, const std::vector<std::string>& set_cookies,
                                         http::Response& res) const;

private:
    const Config config_;
    std::shared_ptr<boost::asio::ssl::context> tls_;  // for https:// upstreams; shared by every I/O thread
};

}  // namespace gh::proxy
