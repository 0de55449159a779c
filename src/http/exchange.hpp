#pragma once
// The client side of a request whose body and answer the handler streams itself (reverse-proxy mode): the
// request body piece by piece as it arrives, the answer's bytes as the handler writes them, and after an upgrade
// (101 Switching Protocols) the raw connection. Only for the paths Limits::streams names; every other request
// has its (small) body read whole before the handler runs.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>

namespace gh::http {

class Exchange {
public:
    virtual ~Exchange() = default;

    // The next piece of the request body, without its chunked framing; 0 once the body is complete.
    virtual boost::asio::awaitable<std::size_t> read_body(boost::asio::mutable_buffer into,
                                                          boost::system::error_code& ec) = 0;
    virtual bool body_done() const = 0;
    // The request's Content-Length; nullopt for a chunked body (or none).
    virtual std::optional<std::uint64_t> content_length() const = 0;

    // Bytes to the client as they are: the handler writes the status line, headers and framing itself.
    virtual boost::asio::awaitable<void> write(boost::asio::const_buffer bytes, boost::system::error_code& ec) = 0;
    // After a 101: bytes from the client as they are (those already received first).
    virtual boost::asio::awaitable<std::size_t> read_raw(boost::asio::mutable_buffer into,
                                                         boost::system::error_code& ec) = 0;

    // Called by a handler that answered through write(): the server writes nothing more for this request, and
    // serves the connection's next request only when `keep_alive` (the answer was complete and so was the body).
    void answered(bool keep_alive) {
        answered_ = true;
        keep_alive_ = keep_alive;
    }
    bool was_answered() const { return answered_; }
    bool keep_alive() const { return keep_alive_; }

private:
    bool answered_ = false;
    bool keep_alive_ = false;
};

}  // namespace gh::http
