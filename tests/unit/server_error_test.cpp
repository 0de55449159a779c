// A handler that throws costs one answer (500 with a request id, logged), never the worker thread.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "http/server.hpp"
#include "redis_server.hpp"  // free_port

using namespace gh;

namespace {

std::string get(int port, const std::string& path) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    boost::asio::write(s, boost::asio::buffer(request));
    std::string answer;
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::dynamic_buffer(answer), ec);
    return answer;
}

}  // namespace

TEST(ServerErrors, AThrowingHandlerGetsA500WithARequestIdAndTheWorkerLivesOn) {
    const int port = test::free_port();
    http::Server server({{"127.0.0.1", static_cast<std::uint16_t>(port), false}}, {}, {}, 1,
                        [](const http::Request& req, http::Response& res) -> boost::asio::awaitable<void> {
                            if (req.path() == "/boom") throw std::runtime_error("kaboom");
                            res.status(200);
                            res.finish("fine");
                            co_return;
                        });
    std::string seen_id;
    server.on_handler_error([&seen_id](const http::Request&, http::Response& res, const std::string& id) {
        seen_id = id;
        res.status(500);
        res.finish("page for " + id);
    });
    server.bind();
    std::thread serving([&server] { server.run_until_signalled(); });

    const auto boom = get(port, "/boom");
    EXPECT_EQ(boom.rfind("HTTP/1.1 500", 0), 0u) << boom;
    ASSERT_FALSE(seen_id.empty());
    EXPECT_NE(boom.find("page for " + seen_id), std::string::npos);
    EXPECT_NE(get(port, "/fine").find("HTTP/1.1 200"), std::string::npos) << "the worker still serves";

    // The control thread installs its SIGTERM handler right after starting the workers; give it that moment.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(::getpid(), SIGTERM);
    serving.join();
}
