// HTTP/2 from a client that may break every rule: random bytes after the client preface, fed in pieces to an
// H2Session (nghttp2 and this server's streams, answers and GOAWAY) whose handler is the gRPC call layer
// (GrpcCall: headers, framing, limits) with a dispatcher that answers every call — unary calls at once, a health
// Watch with one message and then open until the session goes away. What the server sends must stay HTTP/2: whole
// frames of the types a server sends, on the streams they belong to.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "doors/envoy_grpc/grpc_call.hpp"
#include "http/h2_session.hpp"

namespace {

namespace eg = gh::doors::envoy_grpc;
namespace http = gh::http;

class AnswerEveryCall final : public eg::CallDispatcher {
public:
    void dispatch(eg::Method method, eg::GrpcCall& call) override {
        switch (method) {
            case eg::Method::health_watch:
                call.send(std::string_view("\x08\x01", 2));  // status: SERVING
                call.on_draining([](eg::GrpcCall& c) { c.end(eg::RpcStatus::ok); });
                return;
            case eg::Method::unknown:
                return call.fail(eg::RpcStatus::unimplemented, "unknown method");
            default:
                // An answer with some of the request in it, so that its size varies.
                return call.reply(call.message().substr(0, 64));
        }
    }
};

class Door final : public http::H2Handler {
public:
    http::H2Call* open_call(const http::H2Responder& responder, const http::H2Peer& peer) override {
        return &eg::GrpcCall::open(dispatcher_, limits_, responder, peer);
    }
    std::string_view protocol_name() const override { return "gRPC"; }

private:
    AnswerEveryCall dispatcher_;
    const eg::CallLimits limits_{.max_message_bytes = 4096, .max_header_bytes = 2048};
};

// The session without a socket: its output is taken after each read.
class Session final : public http::H2Session {
public:
    using H2Session::H2Session;

private:
    void output_ready() override {}
};

// The server's bytes so far are whole frames a server may send.
void check_frames(std::string_view out) {
    while (!out.empty()) {
        if (out.size() < 9) __builtin_trap();
        const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(out[i])); };
        const std::uint32_t length = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        const std::uint32_t type = byte(3);
        const std::uint32_t stream = ((byte(5) << 24) | (byte(6) << 16) | (byte(7) << 8) | byte(8)) & 0x7fffffffu;
        if (out.size() < 9 + length || length > 16384) __builtin_trap();
        switch (type) {
            case NGHTTP2_DATA:
            case NGHTTP2_HEADERS:
            case NGHTTP2_RST_STREAM:
                if (stream % 2 != 1) __builtin_trap();  // the client's streams only: a server pushes nothing
                break;
            case NGHTTP2_SETTINGS:
            case NGHTTP2_PING:
            case NGHTTP2_GOAWAY:
                if (stream != 0) __builtin_trap();
                break;
            case NGHTTP2_WINDOW_UPDATE:
                break;
            default:
                __builtin_trap();  // PUSH_PROMISE, PRIORITY, CONTINUATION (answers are small) or unknown
        }
        out.remove_prefix(9 + length);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static boost::asio::io_context io;  // the calls' executor; never run (nothing here waits)
    static Door door;
    static const http::H2Limits limits{.max_concurrent_streams = 8, .max_header_list_bytes = 2048};
    static const http::H2Peer peer{boost::asio::ip::make_address("127.0.0.1"), false, io.get_executor()};
    static constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    Session session(door, limits, peer);
    if (!session.start()) return 0;
    std::string out;
    session.take_output(out, SIZE_MAX);
    bool alive = session.receive(reinterpret_cast<const std::uint8_t*>(kPreface.data()), kPreface.size());
    // The first byte picks the size of the reads (1..64 bytes, or all at once), so that frames split across them.
    const std::size_t piece = size == 0 || data[0] >= 192 ? SIZE_MAX : 1 + data[0] % 64;
    for (std::size_t at = 0; alive && at < size; at += piece) {
        alive = session.receive(data + at, std::min(piece, size - at));
        session.take_output(out, SIZE_MAX);
    }
    // SIGTERM's path: GOAWAY, draining calls end.
    session.go_away_gracefully();
    session.take_output(out, SIZE_MAX);
    check_frames(out);
    (void)session.finished();
    (void)session.oldest_incoming();
    (void)session.oldest_unsent();
    return 0;
}
