// A raw HTTP request through the same parser settings as the server and then through the router and every
// endpoint behind it (the doors, login, sign-out, userinfo, back-channel logout), with a cookie session store.
// The answer must always be one well-formed HTTP/1.1 response.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <memory>

#include "../unit/test_stack.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto stack = std::make_unique<gh::test::Stack>(std::vector<std::string>{
        "--reverse-proxy", "--set-xauthrequest", "--skip-auth-route=GET=^/public/", "--whitelist-domain=.example.com"});
    namespace http = boost::beast::http;
    http::request_parser<http::string_body, std::pmr::polymorphic_allocator<char>> parser;
    parser.header_limit(32 * 1024);
    parser.body_limit(64 * 1024);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_header_done()) return 0;
    const gh::http::Request req(parser.get(), false, stack->peer());
    std::string out;
    gh::http::Response res(out, true);
    boost::asio::io_context io;
    bool done = false;
    boost::asio::co_spawn(io, stack->router.handle(req, res), [&done](std::exception_ptr e) {
        if (e) __builtin_trap();  // a handler that throws is a bug even though the server would survive it
        done = true;
    });
    io.run();
    if (!done || !out.starts_with("HTTP/1.1 ") || out.find("\r\n\r\n") == std::string::npos) __builtin_trap();
    return 0;
}
