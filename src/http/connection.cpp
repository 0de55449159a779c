// One keep-alive connection: read a request header, answer, repeat. Pipelined requests are answered in
// order because each read starts from what the previous one left in the buffer.
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <memory_resource>

#include <sys/socket.h>

#include "http/exchange.hpp"
#include "http/lingering_close.hpp"
#include "http/request_checks.hpp"
#include "http/request_id.hpp"
#include "http/registration.hpp"
#include "http/request_scratch.hpp"
#include "http/tuple_token.hpp"
#include "http/worker.hpp"

namespace gh::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
// What one read takes from a connection: a usual request whole.
constexpr std::size_t kReadSize = 4096;

bool accepts_body(const Limits& limits, std::string_view path) {
    for (const auto& p : limits.body_paths)
        if (p == path) return true;
    return false;
}

using Allocator = std::pmr::polymorphic_allocator<char>;

// Header lines of a parsed message: checked against --max-header-count, and counted again after a chunked body
// (Beast adds its trailer fields to them).
template <class Fields>
std::size_t field_count(const Fields& fields) {
    return static_cast<std::size_t>(std::distance(fields.begin(), fields.end()));
}
using RequestParser = beast::http::request_parser<beast::http::string_body, Allocator>;
using StreamedParser = beast::http::request_parser<beast::http::buffer_body, Allocator>;

// A streamed request's client side (http/exchange.hpp) over either kind of connection. Every read and write is
// given the stream timeout: a client that stops sending or reading is closed like an idle one.
template <class Stream>
class StreamExchange final : public Exchange {
public:
    StreamExchange(Stream& stream, beast::flat_buffer& buffer, StreamedParser& parser, Registration& reg,
                   std::chrono::milliseconds timeout)
        : stream_(stream),
          buffer_(buffer),
          parser_(parser),
          reg_(reg),
          timeout_(timeout),
          header_fields_(field_count(parser.get())) {}

    asio::awaitable<std::size_t> read_body(asio::mutable_buffer into, boost::system::error_code& ec) override {
        ec = {};
        if (parser_.is_done()) co_return 0;
        auto& body = parser_.get().body();
        body.data = into.data();
        body.size = into.size();
        reg_.arm(timeout_);
        auto [read_ec, n] = co_await beast::http::async_read_some(stream_, buffer_, parser_, kTuple);
        reg_.disarm();  // bounded is the read, not what the handler then waits for
        // buffer_body reports a full buffer as need_buffer: not an error, the handler reads again.
        if (read_ec && read_ec != beast::http::error::need_buffer) ec = read_ec;
        // Trailer fields would join the header fields the gate already judged (a late Upgrade, say): refused.
        if (!ec && parser_.is_done() && parser_.chunked() &&
            field_count(parser_.get()) != header_fields_) {
            spdlog::info("rejected request body: trailer fields in a chunked body");
            ec = beast::http::error::bad_field;
        }
        co_return into.size() - body.size;
    }
    bool body_done() const override { return parser_.is_done(); }
    std::optional<std::uint64_t> content_length() const override {
        if (parser_.chunked()) return std::nullopt;
        const auto length = parser_.content_length();
        return length ? std::optional<std::uint64_t>(*length) : std::optional<std::uint64_t>(0);
    }
    asio::awaitable<void> write(asio::const_buffer bytes, boost::system::error_code& ec) override {
        reg_.arm(timeout_);
        auto [write_ec, n] = co_await asio::async_write(stream_, bytes, kTuple);
        reg_.disarm();
        ec = write_ec;
    }
    asio::awaitable<std::size_t> read_raw(asio::mutable_buffer into, boost::system::error_code& ec) override {
        ec = {};
        if (buffer_.size() > 0) {  // received with the request, before the upgrade
            const std::size_t n = asio::buffer_copy(into, buffer_.data());
            buffer_.consume(n);
            co_return n;
        }
        reg_.arm(timeout_);
        auto [read_ec, n] = co_await stream_.async_read_some(into, kTuple);
        reg_.disarm();
        ec = read_ec;
        co_return n;
    }

private:
    Stream& stream_;
    beast::flat_buffer& buffer_;
    StreamedParser& parser_;
    Registration& reg_;
    std::chrono::milliseconds timeout_;
    std::size_t header_fields_;  // the request's header fields, before any trailer
};

// The answer to a request that could not be parsed; the connection closes after it. A head that outgrew the
// parser's limit (the two limits together) broke the request line's (414) when its target is too long, or when
// the line has not ended within what a target of --max-url-length makes it; else the fields' (431). The parser
// takes the request line off `received` (the bytes not parsed yet) once the line is whole, and fills `target`.
int status_for_read_error(const boost::system::error_code& ec, std::string_view target, std::string_view received,
                          const Limits& limits) {
    if (ec == beast::http::error::header_limit) {
        if (!target.empty()) return target.size() > limits.max_url_length ? 414 : 431;
        const auto eol = received.find('\n');
        const std::size_t line = eol == std::string_view::npos ? received.size() : eol;
        return line > limits.max_url_length + Limits::kRequestLineExtra ? 414 : 431;
    }
    if (ec == beast::http::error::unexpected_body || ec == beast::http::error::body_limit) return 413;
    return 400;
}

template <class Stream>
asio::awaitable<void> write_error(Stream& stream, std::string& out, int status, const char* body) {
    Response res(out, false);
    res.status(status);
    res.finish(body);
    co_await asio::async_write(stream, asio::buffer(out), kTuple);
}

// Reads what a plain connection has already received, without waiting; would_block when nothing is there yet,
// and then the scratch has been given back, so that a connection waiting for its next request holds no request
// memory. The wait itself (for readability, without a buffer) is the caller's.
boost::system::error_code read_available(tcp::socket& socket, ScratchPool& pool, ScratchPool::Lease& scratch) {
    if (!scratch.held()) scratch.take(pool);
    boost::system::error_code ec;
    const std::size_t n = socket.read_some(scratch->buffer.prepare(kReadSize), ec);
    if (ec == asio::error::would_block) scratch.give_back();
    else scratch->buffer.commit(n);
    return ec;
}

// Parses a request header from what the buffer already holds: usually all of it, one read having brought the whole
// request. Beast's async_read_header parses the same way, but an asynchronous operation that finishes without
// waiting must post its completion through the scheduler, a queue round trip per request. False when the header
// is incomplete and no error ended the parse: then the asynchronous read takes over where this stopped.
template <class Parser>
bool parse_buffered_header(Parser& parser, beast::flat_buffer& buffer, boost::system::error_code& ec) {
    while (buffer.size() > 0 && !parser.is_header_done()) {
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
        if (ec == beast::http::error::need_more) {
            ec = {};
            return false;
        }
        if (ec) return true;
    }
    return parser.is_header_done();
}

// Writes as much of `out` as a plain socket takes at once (non-blocking; an answer usually fits whole), for the
// same reason: the asynchronous write finishes the rest, or all of it on a TLS stream. Returns the bytes written.
template <class Stream>
std::size_t write_at_once(Stream& stream, std::string_view out, boost::system::error_code& ec) {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
        const std::size_t n = stream.write_some(asio::buffer(out), ec);
        if (ec == asio::error::would_block) ec = {};
        return n;
    } else {
        return 0;
    }
}

// A handler threw: the request gets a logged 500 (or the server's error page) and the connection closes. A bug must
// cost one answer, never the worker thread: an exception leaving the connection's coroutine would end
// io_context::run. Called in the catch block around the handler's await.
void answer_failure(Worker& w, const Request& request, Response& res, std::string_view failure) {
    if (failure.empty()) return;  // an exception without a message leaves the answer as the handler left it
    const std::string id(request_id(request));
    spdlog::error("request failed: {} request_id={}: {}", request.method(), id, failure);
    res.reset();
    res.close_after();
    if (w.on_error) {
        w.on_error(request, res, id);
    } else {
        res.status(500);
        res.finish("Internal Server Error\nRequest ID: " + id + "\n");
    }
}

// The answer as the request asks for it: no body after HEAD, and HTTP/1.0's keep-alive rules. (Inlined, as the
// steps of serve() below are.)
[[gnu::always_inline]] inline void answer_in_kind(Response& res, const RequestHead& head) {
    if (head.method() == beast::http::verb::head) res.answer_head_request();
    if (head.version() == 10) res.answer_http10();
}

// A request of a Limits::streams path: the handler reads its body and may write its answer itself. True when the
// connection can serve another request.
template <class Stream>
asio::awaitable<bool> serve_streamed(Worker& w, Stream& stream, Registration& reg, const Peer& peer,
                                     const Handler& handler, RequestScratch& scratch, RequestParser& header_parser) {
    StreamedParser parser(std::move(header_parser));
    parser.body_limit(boost::none);  // what the upstream accepts is the upstream's to say
    StreamExchange<Stream> exchange(stream, scratch.buffer, parser, reg, w.limits.stream_timeout);
    Response res(scratch.out, parser.get().keep_alive() && !w.draining);
    answer_in_kind(res, parser.get());
    const Request request(parser.get(), exchange, !std::is_same_v<Stream, tcp::socket>, peer);
    reg.disarm();
    try {
        co_await handler(request, res);
    } catch (const std::exception& e) {
        answer_failure(w, request, res, e.what());
    }
    if (exchange.was_answered()) co_return exchange.keep_alive() && parser.is_done() && !w.draining;
    // Answered here (a refusal, a page).
    reg.arm(w.limits.idle_timeout);
    auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(scratch.out), kTuple);
    if (wec) co_return false;
    // A body nobody read is read and dropped, up to a bound: a client still sending it would otherwise meet a
    // closed connection before it reads the answer (and the connection can serve on).
    std::array<char, 16 * 1024> sink;
    std::size_t dropped = 0;
    constexpr std::size_t kDropAtMost = 16 * 1024 * 1024;
    while (!parser.is_done() && dropped < kDropAtMost) {
        boost::system::error_code ec;
        const std::size_t n = co_await exchange.read_body(asio::buffer(sink), ec);
        if (ec) co_return false;
        dropped += n;
    }
    co_return res.keep_alive() && parser.is_done();
}

// Waits for the first bytes of the connection's next request, into the scratch. False when the connection ends
// instead: a drain, the client closed it, or its deadline passed. One coroutine frame per request, where the
// handler had one of its own before: serve() awaits the handler directly, so a request costs no frame more.
template <class Stream>
asio::awaitable<bool> wait_for_request(Worker& w, Stream& stream, Registration& reg, ScratchPool::Lease& scratch,
                                       bool first_request) {
    // Idle between requests: the idle timeout applies, and a drain may close us here.
    if (w.draining) co_return false;
    reg.set_idle(true);
    reg.arm(first_request ? w.limits.header_read_timeout : w.limits.idle_timeout);
    boost::system::error_code ec;
    std::size_t n = 0;
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
        // Right after an answer the client has rarely sent its next request yet, so reading at once would mostly
        // cost a failed system call. A connection that may keep its scratch while it waits (a bounded number per
        // worker, ScratchPool::WaitingSlot) first lets the loop run what else is ready, then reads into the
        // scratch: by then the request has usually arrived, and if not, the reactor reads it when it does. About
        // one recv per request, where a wait without a buffer (async_wait) re-arms the descriptor with epoll_ctl
        // every time. The other connections give their scratch back and wait without one. A new connection reads
        // at once: its request usually came with it.
        bool received = false;
        if (!first_request && scratch.held()) {
            const ScratchPool::WaitingSlot slot(w.scratch_pool);
            if (slot) {
                co_await asio::post(stream.get_executor(), asio::use_awaitable);
                std::tie(ec, n) = co_await stream.async_read_some(scratch->buffer.prepare(kReadSize), kTuple);
                scratch->buffer.commit(n);
                received = true;
            }
        }
        for (bool wait = !first_request; !received; wait = true) {
            if (wait) {
                scratch.give_back();
                std::tie(ec) = co_await stream.async_wait(tcp::socket::wait_read, kTuple);
                if (ec) break;
            }
            if ((ec = read_available(stream, w.scratch_pool, scratch)) != asio::error::would_block) break;
        }
    } else {
        // A TLS stream keeps its scratch between requests: OpenSSL may already hold decrypted bytes that a
        // readiness wait on the socket would never report.
        if (!scratch.held()) scratch.take(w.scratch_pool);
        std::tie(ec, n) = co_await stream.async_read_some(scratch->buffer.prepare(kReadSize), kTuple);
        scratch->buffer.commit(n);
    }
    reg.set_idle(false);
    if (ec && first_request && reg.timed_out())
        spdlog::info("closed connection: nothing received within {} ms (--header-read-timeout)",
                     w.limits.header_read_timeout.count());
    co_return !ec;
}

// The steps of serve() that do not wait. They are forced inline: a call per step would add its cost to every
// request, and the request path was tuned to the instruction (bench/instructions.sh).

// The limits a request's parser starts with. With streamed paths a body of any size may follow the header; the
// limit is then applied once the path is known (body_to_read).
[[gnu::always_inline]] inline void set_initial_limits(RequestParser& parser, const Limits& limits) {
    // The request line and the header fields each have their own limit: a long query string is a URL too long
    // (414, RFC 9110 §15.5.15), not header fields too large (431). The parser holds both; refuse_head judges each.
    parser.header_limit(static_cast<std::uint32_t>(limits.max_head_bytes()));
    if (limits.streams)
        parser.body_limit(boost::none);
    else
        parser.body_limit(limits.body_paths.empty() ? 0 : limits.max_body_bytes);
}

// How a request that cannot be answered ends: with this status and body, then the connection closes; status 0:
// closed without a word (the client left, or the sweeper closed the socket).
struct Refusal {
    int status = 0;
    const char* body = "bad request\n";
};

// The checks on a parsed header, before any body is read; each refusal is logged. Gives the request's path and
// the number of its header fields to what follows.
[[gnu::always_inline]] inline std::optional<Refusal> refuse_head(const RequestHead& head, const Limits& limits,
                                                                 std::string_view& path, std::size_t& header_fields) {
    if (head.target().size() > limits.max_url_length) {
        spdlog::info("rejected request: URL of {} bytes is longer than --max-url-length={} (414)", head.target().size(),
                     limits.max_url_length);
        return Refusal{414, "URL too long\n"};
    }
    header_fields = field_count(head);
    if (header_fields > limits.max_header_count) {
        spdlog::info("rejected request: more than {} header fields (431)", limits.max_header_count);
        return Refusal{431, "too many header fields\n"};
    }
    // The fields as sent, less the spaces around values the parser dropped: "name: value\r\n" each.
    std::size_t field_bytes = 2;
    for (const auto& f : head) field_bytes += f.name_string().size() + f.value().size() + 4;
    if (field_bytes > limits.max_header_bytes) {
        spdlog::info("rejected request: header fields of {} bytes are more than --max-header-bytes={} (431)",
                     field_bytes, limits.max_header_bytes);
        return Refusal{431, "request header fields too large\n"};
    }
    // Framing, Host and the target's form (RFC 9112), before any body is read: a body framed in a way this server
    // does not read exactly must never be read as the next request (smuggling).
    RequestTarget target;
    if (const HeadVerdict verdict = check_request_head(head, target); !verdict) {
        spdlog::info("rejected request: {} ({})", verdict.reason, verdict.status);
        return Refusal{verdict.status, verdict.status == 501 ? "transfer coding not implemented\n" : "bad request\n"};
    }
    path = target.path;
    return std::nullopt;
}

// Whether the body after the header is to be read, its limit set; when not, `ec` says why (413). A body is read
// only where one is expected.
[[gnu::always_inline]] inline bool body_to_read(RequestParser& parser, const Limits& limits, std::string_view path,
                                                boost::system::error_code& ec) {
    if (!accepts_body(limits, path)) {
        // No body expected: a chunked one of no data (just its last chunk) is what Content-Length: 0 is and passes
        // like it; a single byte of data is over the limit of 0 (413).
        if (!parser.chunked()) {
            ec = beast::http::error::unexpected_body;
            return false;
        }
        parser.body_limit(0);
        return true;
    }
    if (const auto length = parser.content_length(); length && *length > limits.max_body_bytes) {
        ec = beast::http::error::body_limit;
        return false;
    }
    parser.body_limit(limits.max_body_bytes);
    return true;
}

// After the header and body reads: nullopt when the request can be answered, else how it ends (logged here).
[[gnu::always_inline]] inline std::optional<Refusal> read_refusal(const boost::system::error_code& ec,
                                                                  const RequestParser& parser,
                                                                  std::size_t header_fields, const Registration& reg,
                                                                  const Limits& limits, std::string_view received) {
    // Beast adds a chunked body's trailer fields to the header fields, after every check above ran on them:
    // a trailer could then supply a Cookie or an X-Original-URL. RFC 9110 §6.5.1: never merged; here refused.
    if (!ec && parser.chunked() && field_count(parser.get()) != header_fields) {
        spdlog::info("rejected request: trailer fields in a chunked body (400)");
        return Refusal{400};
    }
    if (!ec) return std::nullopt;
    if (reg.timed_out()) {
        // The sweeper closed the socket: nothing can be written any more.
        spdlog::info("closed connection: request header not received within {} ms", limits.header_read_timeout.count());
        return Refusal{0};
    }
    if (ec == beast::http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted)
        return Refusal{0};
    const int status = status_for_read_error(ec, parser.get().target(), received, limits);
    if (status == 414)
        spdlog::info("rejected request: request line longer than --max-url-length={} allows (414)", limits.max_url_length);
    else if (status == 431)
        spdlog::info("rejected request: header longer than --max-header-bytes={} allows (431)", limits.max_header_bytes);
    else
        spdlog::info("rejected request: {} ({})", ec.message(), status);
    return Refusal{status};
}

// The connection's loop: wait for a request, read it, answer it. Every wait of a request is awaited here or in
// wait_for_request; the steps between them are the synchronous functions above.
template <class Stream>
asio::awaitable<void> serve(Worker& w, Stream& stream, Registration& reg, const Peer& peer, const Handler& handler) {
    ScratchPool::Lease scratch;
    // A new connection waits for its first byte only as long as a started header may take: one that sends nothing
    // must not hold a descriptor for the idle timeout (a cheap way to reach --max-connections).
    bool first_request = true;
    for (;;) {
        if (!scratch.held() || scratch->buffer.size() == 0) {
            if (!(co_await wait_for_request(w, stream, reg, scratch, first_request))) co_return;
        }
        first_request = false;
        // A request has started: the whole header must arrive within the header-read timeout (slowloris).
        reg.arm(w.limits.header_read_timeout);
        scratch->arena.release();
        RequestParser parser(std::piecewise_construct, std::make_tuple(), std::make_tuple(Allocator(&scratch->arena)));
        set_initial_limits(parser, w.limits);
        boost::system::error_code ec;
        std::size_t n = 0;
        if (!parse_buffered_header(parser, scratch->buffer, ec))
            std::tie(ec, n) = co_await beast::http::async_read_header(stream, scratch->buffer, parser, kTuple);
        std::string_view path;
        std::size_t header_fields = 0;
        std::optional<Refusal> refusal;
        if (!ec && (refusal = refuse_head(parser.get(), w.limits, path, header_fields))) {
            co_await write_error(stream, scratch->out, refusal->status, refusal->body);
            co_return;
        }
        if (!ec && w.limits.streams && w.limits.streams(path)) {
            if (!(co_await serve_streamed(w, stream, reg, peer, handler, *scratch, parser))) co_return;
            continue;
        }
        if (!ec && !parser.is_done() && body_to_read(parser, w.limits, path, ec))
            std::tie(ec, n) = co_await beast::http::async_read(stream, scratch->buffer, parser, kTuple);
        const auto unparsed = scratch->buffer.data();
        if ((refusal = read_refusal(ec, parser, header_fields, reg, w.limits,
                                    {static_cast<const char*>(unparsed.data()), unparsed.size()}))) {
            if (refusal->status != 0) co_await write_error(stream, scratch->out, refusal->status, refusal->body);
            co_return;
        }
        const auto& message = parser.get();
        Response res(scratch->out, message.keep_alive() && !w.draining);
        answer_in_kind(res, message);
        const Request request(message, !std::is_same_v<Stream, tcp::socket>, peer);
        reg.disarm();
        try {
            co_await handler(request, res);
        } catch (const std::exception& e) {
            answer_failure(w, request, res, e.what());
        }
        // A client that stops reading its answer is closed like an idle one.
        reg.arm(w.limits.idle_timeout);
        boost::system::error_code wec;
        const std::size_t sent = write_at_once(stream, scratch->out, wec);
        if (!wec && sent < scratch->out.size())
            std::tie(wec, n) = co_await asio::async_write(stream, asio::buffer(scratch->out) + sent, kTuple);
        if (wec || !res.keep_alive()) co_return;
    }
}

Peer peer_of(const Worker& w, const tcp::socket& socket) {
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return w.trust.peer(ec ? asio::ip::address{} : endpoint.address());
}

// HTTP/2's client preface (RFC 9113 §3.4).
constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// On a listener that serves both, whether the connection's first bytes are HTTP/2's preface. They are peeked, not
// read, so that whichever protocol serves the connection reads them itself. The whole preface tells, not its first
// bytes: "PRI" is a method token an HTTP/1.1 client (or a proxy passing a client's method on, as nginx and Caddy do)
// may send, and such a request is HTTP/1.1's to answer, not nghttp2's to refuse as a bad preface (nginx would pass
// the HTTP/2 SETTINGS and GOAWAY on to the client as an HTTP/0.9 body). A client that sent part of the preface and
// stops is given the header-read timeout, as any slow start is.
asio::awaitable<bool> starts_with_h2_preface(Worker& w, tcp::socket& socket, Registration& reg) {
    reg.arm(w.limits.header_read_timeout);
    for (;;) {
        auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, kTuple);
        if (ec) co_return false;
        std::array<char, kPreface.size()> first{};
        const ssize_t n = ::recv(socket.native_handle(), first.data(), first.size(), MSG_PEEK);
        if (n <= 0) co_return false;  // closed: the HTTP/1.1 loop sees the end for itself
        const std::string_view got(first.data(), static_cast<std::size_t>(n));
        if (!kPreface.starts_with(got)) co_return false;
        if (got.size() == kPreface.size()) co_return true;
        // Fewer bytes than tell, all of them the preface's: readable stays true, so wait a little, not spin.
        asio::steady_timer pause(socket.get_executor(), std::chrono::milliseconds(5));
        co_await pause.async_wait(kTuple);
        if (reg.timed_out()) co_return false;
    }
}

asio::awaitable<void> serve_plain(Worker& w, tcp::socket socket, const Listener& listener, const Handler& handler) {
    const bool h2_only = listener.protocol == Protocol::h2;
    Registration reg(w, socket, h2_only ? w.open_h2_connections : w.open_connections);
    // read_available must never block the thread.
    boost::system::error_code nb;
    socket.non_blocking(true, nb);
    if (nb) co_return;
    if (h2_only || (listener.protocol == Protocol::http1_and_h2 && co_await starts_with_h2_preface(w, socket, reg))) {
        co_await serve_h2(w, socket, reg, listener);
    } else {
        const Peer peer = peer_of(w, socket);
        co_await serve(w, socket, reg, peer, handler);
    }
    if (socket.is_open()) co_await close_lingering(w, socket, reg);
}

// Whether the TLS handshake chose HTTP/2 by ALPN.
bool alpn_chose_h2(asio::ssl::stream<tcp::socket>& stream) {
    const unsigned char* chosen = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(stream.native_handle(), &chosen, &length);
    return std::string_view(reinterpret_cast<const char*>(chosen), chosen ? length : 0) == "h2";
}

asio::awaitable<void> serve_tls(Worker& w, tcp::socket socket, const Listener& listener, asio::ssl::context& tls,
                                const Handler& handler) {
    const bool h2_only = listener.protocol == Protocol::h2;
    asio::ssl::stream<tcp::socket> stream(std::move(socket), tls);
    Registration reg(w, stream.next_layer(), h2_only ? w.open_h2_connections : w.open_connections);
    reg.arm(w.limits.header_read_timeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (ec) co_return;
    // An HTTP/2-only port serves HTTP/2 whatever ALPN said: a gRPC client always asks for it.
    if (h2_only || (listener.protocol == Protocol::http1_and_h2 && alpn_chose_h2(stream))) {
        co_await serve_h2(w, stream, reg, listener);
    } else {
        const Peer peer = peer_of(w, stream.next_layer());
        co_await serve(w, stream, reg, peer, handler);
    }
    reg.arm(std::chrono::seconds(1));
    co_await stream.async_shutdown(kTuple);
}

}  // namespace

void spawn_connection(Worker& worker, tcp::socket socket, const Listener& listener, asio::ssl::context* tls,
                      const Handler& handler) {
    if (tls) asio::co_spawn(worker.io, serve_tls(worker, std::move(socket), listener, *tls, handler), asio::detached);
    else asio::co_spawn(worker.io, serve_plain(worker, std::move(socket), listener, handler), asio::detached);
}

}  // namespace gh::http
