#pragma once
// One I/O thread: its io_context, its acceptors and the connections it serves. Internal to http/.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <list>
#include <memory>

#include "http/server.hpp"

namespace gh::http {

class Worker {
public:
    Worker(const Limits& limits, const Handler& handler, boost::asio::ssl::context* tls)
        : limits(limits), handler(handler), tls(tls) {}

    // A connection's entry in the registry, so that a drain can wake the idle ones.
    struct Connection {
        boost::asio::ip::tcp::socket* socket = nullptr;
        bool idle = false;
    };

    void listen(const Listener& l);
    void start_accepting();
    // Runs on this worker's thread: close the acceptors, close idle keep-alive connections; busy ones
    // close after their current response.
    void drain();

    boost::asio::io_context io{1};
    const Limits& limits;
    const Handler& handler;
    boost::asio::ssl::context* tls;
    bool draining = false;
    std::list<Connection> connections;

private:
    struct Acceptor {
        boost::asio::ip::tcp::acceptor acceptor;
        bool tls;
    };
    std::vector<std::unique_ptr<Acceptor>> acceptors_;
};

// Serves one accepted connection until it closes (connection.cpp).
void spawn_connection(Worker& worker, boost::asio::ip::tcp::socket socket, bool tls);

}  // namespace gh::http
