#include "proxy/reverse_proxy.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <vector>

#include "http/exchange.hpp"
#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "http/tuple_token.hpp"
#include "observe/log_text.hpp"
#include "proxy/upstream_head.hpp"
#include "proxy/upstream_pool.hpp"
#include "proxy/watchdog.hpp"
#include "text/ascii.hpp"

namespace gh::proxy {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using http::kTuple;
// Body bytes move through this much memory at a time, in each direction.
constexpr std::size_t kChunk = 64 * 1024;
// Interim answers before the final one: a handful is normal (100 Continue, one or two 103 Early Hints).
constexpr int kMaxInterimAnswers = 8;

std::string chunk_header(std::size_t n) {
    char digits[24];
    const int len = std::snprintf(digits, sizeof digits, "%zx\r\n", n);
    return std::string(digits, static_cast<std::size_t>(len));
}

// `n` bytes at `data` as one chunk of a chunked body: its size line (kept in `size_line` while the parts are
// written), the bytes, and the line end after them.
std::array<asio::const_buffer, 3> chunk(std::string& size_line, const char* data, std::size_t n) {
    size_line = chunk_header(n);
    return {asio::buffer(size_line), asio::buffer(data, n), asio::buffer("\r\n", 2)};
}

// Writes `data` (a buffer, or a sequence of them) to the upstream within the timeout.
template <class Stream, class Buffers>
asio::awaitable<boost::system::error_code> send(Stream& upstream, Buffers data, std::chrono::milliseconds timeout) {
    const auto executor = co_await asio::this_coro::executor;
    const Watchdog watchdog = closing_on_expiry(executor, timeout, upstream);
    auto [ec, n] = co_await asio::async_write(upstream, data, kTuple);
    co_return ec;
}

// After a 101 Switching Protocols (a WebSocket): bytes both ways until either side closes. Each read and write is
// bounded by --upstream-timeout, like any other wait in this mode.
template <class Stream>
asio::awaitable<void> tunnel(http::Exchange& client, Stream& upstream, beast::flat_buffer& upstream_early,
                             std::chrono::milliseconds timeout) {
    using namespace asio::experimental::awaitable_operators;
    const auto executor = co_await asio::this_coro::executor;
    auto client_to_upstream = [&]() -> asio::awaitable<void> {
        std::vector<char> buffer(kChunk);
        for (;;) {
            boost::system::error_code ec;
            const std::size_t n = co_await client.read_raw(asio::buffer(buffer), ec);
            if (ec || n == 0) co_return;
            if (co_await send(upstream, asio::buffer(buffer.data(), n), timeout)) co_return;
        }
    };
    auto upstream_to_client = [&]() -> asio::awaitable<void> {
        boost::system::error_code ec;
        if (upstream_early.size() > 0) {  // sent right behind the 101
            co_await client.write(upstream_early.cdata(), ec);
            if (ec) co_return;
            upstream_early.consume(upstream_early.size());
        }
        std::vector<char> buffer(kChunk);
        for (;;) {
            std::size_t n = 0;
            {
                const Watchdog watchdog = closing_on_expiry(executor, timeout, upstream);
                std::tie(ec, n) = co_await upstream.async_read_some(asio::buffer(buffer), kTuple);
            }
            if (ec) co_return;
            co_await client.write(asio::buffer(buffer.data(), n), ec);
            if (ec) co_return;
        }
    };
    // Whichever direction ends first ends the other.
    co_await (client_to_upstream() || upstream_to_client());
}

// Status the client gets when the upstream failed before answering.
void upstream_failed(const http::Request& req, http::Response& res, const Upstream& to, int status,
                     std::string_view why) {
    spdlog::warn("proxy: upstream {} failed: {} status={} path=\"{}\" request_id={}", to.text, why, status,
                 observe::log_text(req.path()), http::request_id(req));
    res.close_after();
    res.status(status);
    res.finish(status == 504 ? "Gateway Timeout\n" : "Bad Gateway\n");
}

using AnswerParser = beast::http::response_parser<beast::http::buffer_body>;

// How the answer's body reaches the client.
struct Framing {
    bool has_body = false;     // none after a HEAD, a 1xx, a 204 or a 304
    bool chunked_out = false;  // a body without a length, to an HTTP/1.1 client: chunked on the way
    bool keep_client = false;  // false when an HTTP/1.0 client reads a body without a length until the close
};

// One request and its answer over an upstream connection of either kind: the request goes up (`over`, then
// `send_body`), the answer's head is read (`read_final_head`) and goes down with its body (`answer_client`). Each
// step returns false when the exchange ends there: the client has been answered, or its connection must close.
struct Relay {
    const http::Request& req;
    const Upstream& to;
    const session::Session* s;
    const std::string& extra_head;  // header lines for the client's answer (a renewed session, identity headers)
    http::Response& res;
    const Config& options;
    // Over a reused connection, a request that may be sent twice (RFC 9110 §9.2.2, and no body) is, once, when the
    // upstream closed the connection before a byte of its answer: it may have closed it just after our check.
    // Then `*retry` is set and nothing is answered.
    bool may_replay = false;
    bool* retry = nullptr;

    bool replay(const boost::system::error_code& ec) const {
        if (!may_replay) return false;
        spdlog::debug("proxy: upstream {} closed a kept-alive connection ({}); again on a new one request_id={}",
                      to.text, ec.message(), http::request_id(req));
        *retry = true;
        return true;
    }

    // The client gets `status` (502 or 504): the upstream failed before answering. False, to end the step with.
    bool failed(int status, std::string_view why) const {
        upstream_failed(req, res, to, status, why);
        return false;
    }

    // True when the connection may serve another request (the answer was read to its end and the upstream keeps
    // the connection open).
    template <class Stream>
    asio::awaitable<bool> over(Stream& upstream) const {
        http::Exchange& client = *req.exchange();
        // The request head, then its body as it arrives.
        const auto length = client.content_length();
        std::string head;
        write_upstream_head(req, options, to, s, req.peer().address_text(), {length}, head);
        if (auto ec = co_await send(upstream, asio::buffer(head), options.upstream_timeout)) {
            if (replay(ec)) co_return false;
            co_return failed(502, "sending the request: " + ec.message());
        }
        // 1xx answers are for HTTP/1.1 clients only (RFC 9110 §15.2); the expectation's token is case-insensitive.
        if (text::iequals(req.header("Expect"), "100-continue") && req.protocol() == "HTTP/1.1" &&
            !client.body_done()) {
            // The client waits for this before its body; the upstream was not asked (the header stays here).
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            boost::system::error_code ec;
            co_await client.write(asio::buffer(kContinue), ec);
            if (ec) co_return false;
        }
        // Carries the request's body up, then the answer's down.
        std::vector<char> buffer(kChunk);
        // A bodiless request with a length has nothing more to send; a chunked one still owes its last chunk.
        if (!client.body_done() || !length) {
            if (!(co_await send_body(upstream, buffer, length))) co_return false;
        }
        beast::flat_buffer upstream_buffer;
        std::optional<AnswerParser> answer;
        if (!(co_await read_final_head(upstream, upstream_buffer, answer))) co_return false;
        co_return co_await answer_client(upstream, upstream_buffer, *answer, head, buffer);
    }

    // The request's body as the client sends it: as it comes when it has a length, in chunks when it has none.
    template <class Stream>
    asio::awaitable<bool> send_body(Stream& upstream, std::vector<char>& buffer,
                                    std::optional<std::uint64_t> length) const {
        http::Exchange& client = *req.exchange();
        const auto timeout = options.upstream_timeout;
        while (!client.body_done()) {
            boost::system::error_code ec;
            const std::size_t n = co_await client.read_body(asio::buffer(buffer), ec);
            if (ec) {
                spdlog::info("proxy: the client's body ended early: {} request_id={}", ec.message(),
                             http::request_id(req));
                res.close_after();
                res.status(400);
                res.finish("bad request body\n");
                co_return false;
            }
            if (n == 0) continue;
            std::string size_line;
            if (!length)
                ec = co_await send(upstream, chunk(size_line, buffer.data(), n), timeout);
            else
                ec = co_await send(upstream, asio::buffer(buffer.data(), n), timeout);
            if (ec) co_return failed(502, "sending the body: " + ec.message());
        }
        if (!length) {
            if (auto ec = co_await send(upstream, asio::buffer("0\r\n\r\n", 5), timeout))
                co_return failed(502, "ending the body: " + ec.message());
        }
        co_return true;
    }

    // The answer's head into `parsed`. An interim answer (1xx other than 101: 100 Continue, 103 Early Hints) is
    // read and dropped: the final answer follows it on the same connection, and taking the interim one for the
    // final would leave the real answer in a pooled connection, for the next request of whoever comes next.
    template <class Stream>
    asio::awaitable<bool> read_final_head(Stream& upstream, beast::flat_buffer& upstream_buffer,
                                          std::optional<AnswerParser>& parsed) const {
        const auto executor = co_await asio::this_coro::executor;
        for (int interim = 0;; ++interim) {
            if (interim > kMaxInterimAnswers)
                co_return failed(502, "more interim (1xx) answers than any final answer needs");
            parsed.emplace();
            parsed->body_limit(boost::none);
            parsed->header_limit(64 * 1024);
            if (req.method() == "HEAD") parsed->skip(true);
            boost::system::error_code rec;
            bool slow = false;
            {
                const Watchdog watchdog = closing_on_expiry(executor, options.upstream_timeout, upstream);
                std::tie(rec, std::ignore) =
                    co_await beast::http::async_read_header(upstream, upstream_buffer, *parsed, kTuple);
                slow = watchdog.fired();
            }
            if (rec) {
                // Only a connection that answered nothing at all may be retried on a fresh one.
                if (interim == 0 && !slow && !parsed->got_some() && upstream_buffer.size() == 0 && replay(rec))
                    co_return false;
                co_return failed(slow ? 504 : 502,
                                 slow ? "no answer within --upstream-timeout" : "reading the answer: " + rec.message());
            }
            const int code = parsed->get().result_int();
            if (code < 100 || code >= 200 || code == 101) co_return true;
        }
    }

    // The final answer's head, then its body as it comes.
    template <class Stream>
    asio::awaitable<bool> answer_client(Stream& upstream, beast::flat_buffer& upstream_buffer, AnswerParser& answer,
                                        std::string& head, std::vector<char>& buffer) const {
        http::Exchange& client = *req.exchange();
        const int status = answer.get().result_int();
        if (status < 100 || status > 599) co_return failed(502, "a status code outside 100-599");
        if (status == 101) {
            co_await switch_protocols(upstream, upstream_buffer, answer.get().base(), head);
            co_return false;
        }
        const Framing framing = write_head_for_client(answer, head);
        boost::system::error_code wec;
        co_await client.write(asio::buffer(head), wec);
        if (wec) co_return false;  // the client is gone: the connection closes
        const auto executor = co_await asio::this_coro::executor;
        std::size_t body_bytes = 0;
        res.log_answer(status, 0);
        while (framing.has_body && !answer.is_done()) {
            auto& body = answer.get().body();
            body.data = buffer.data();
            body.size = buffer.size();
            boost::system::error_code ec;
            {
                const Watchdog watchdog = closing_on_expiry(executor, options.upstream_timeout, upstream);
                std::tie(ec, std::ignore) = co_await beast::http::async_read(upstream, upstream_buffer, answer, kTuple);
            }
            if (ec == beast::http::error::need_buffer) ec = {};
            const std::size_t n = buffer.size() - body.size;
            body_bytes += n;
            if (n > 0 && framing.chunked_out) {
                std::string size_line;
                for (const auto& part : chunk(size_line, buffer.data(), n)) {
                    co_await client.write(part, wec);
                    if (wec) co_return false;
                }
            } else if (n > 0) {
                co_await client.write(asio::buffer(buffer.data(), n), wec);
                if (wec) co_return false;
            }
            if (ec) {
                // The answer was cut off: the client must not take a short body for a whole one.
                spdlog::warn("proxy: upstream {} broke off its answer: {} request_id={}", to.text, ec.message(),
                             http::request_id(req));
                client.answered(false);
                co_return false;
            }
        }
        if (framing.chunked_out) {
            co_await client.write(asio::buffer("0\r\n\r\n", 5), wec);
            if (wec) co_return false;
        }
        client.answered(framing.keep_client);
        res.log_answer(status, body_bytes);
        // Reused only when the answer ended exactly where the connection's bytes did: anything after it (a body
        // sent with a HEAD answer, a second answer) would be read as the next request's answer.
        // An answer without a body (to HEAD, a 204 or 304) is where apps err and send one anyway, perhaps a moment
        // later than any check here could see: such a connection is not reused either.
        // (A TLS connection is never reused at all: see forward().)
        co_return framing.has_body&& answer.keep_alive() && answer.is_done() && upstream_buffer.size() == 0;
    }

    // The client's answer head for the upstream's (hop-by-hop fields dropped, the framing this client reads, then
    // `extra_head`), into `head`.
    Framing write_head_for_client(const AnswerParser& answer, std::string& head) const {
        const auto& header = answer.get().base();
        const int status = header.result_int();
        Framing framing;
        framing.has_body =
            !(req.method() == "HEAD" || status == 204 || status == 304 || (status >= 100 && status < 200));
        std::optional<std::uint64_t> answer_length;
        if (!answer.chunked() && answer.content_length()) answer_length = *answer.content_length();
        const bool client_http11 = req.protocol() == "HTTP/1.1";
        const bool close_delimited = framing.has_body && !answer_length && !client_http11;
        framing.chunked_out = framing.has_body && !answer_length && client_http11;
        framing.keep_client = res.keep_alive() && !close_delimited;
        write_client_head(header, framing.has_body, answer_length, client_http11, framing.keep_client, head);
        if (!extra_head.empty()) {
            head.resize(head.size() - 2);  // before the blank line
            head.append(extra_head).append("\r\n");
        }
        return framing;
    }

    // A 101 Switching Protocols, accepted only to the protocol the client asked for; the connection is then the
    // tunnel's, and closes with it.
    template <class Stream>
    asio::awaitable<void> switch_protocols(Stream& upstream, beast::flat_buffer& upstream_buffer,
                                           const beast::http::response_header<>& header, std::string& head) const {
        http::Exchange& client = *req.exchange();
        const std::string_view asked = requested_upgrade(req, options);
        if (asked.empty()) {
            failed(502, "switched protocols unasked");
            co_return;
        }
        if (!text::iequals(header[beast::http::field::upgrade], asked)) {
            failed(502, "switched to another protocol than the client asked for");
            co_return;
        }
        write_client_head(header, false, std::nullopt, false, true, head);
        head.resize(head.size() - 2);  // before the blank line: the upgrade's own hop-by-hop headers
        head.append("Connection: Upgrade\r\nUpgrade: ")
            .append(header_safe(header[beast::http::field::upgrade]))
            .append("\r\n\r\n");
        boost::system::error_code ec;
        co_await client.write(asio::buffer(head), ec);
        res.log_answer(101, 0);
        client.answered(false);
        if (!ec) co_await tunnel(client, upstream, upstream_buffer, options.upstream_timeout);
    }
};

}  // namespace

asio::awaitable<void> ReverseProxy::forward(const http::Request& req, const Upstream& to,
                                            const session::Session* s, const std::vector<std::string>& set_cookies,
                                            http::Response& res) const {
    const std::string extra_head = answer_head_lines(s, config_, set_cookies);
    const std::string_view method = req.method();
    const bool replayable = (method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE") &&
                            req.exchange()->content_length() == 0 && requested_upgrade(req, config_).empty();
    for (bool fresh = false;; fresh = true) {
        std::string error;
        auto connected = co_await UpstreamPool::connect(to, config_.upstream_timeout, *tls_,
                                                        !config_.ssl_upstream_insecure_skip_verify, fresh, error);
        if (!connected) {
            upstream_failed(req, res, to, error.find("longer than") != std::string::npos ? 504 : 502, error);
            co_return;
        }
        bool retry = false;
        const Relay relay{req, to, s, extra_head, res, config_, replayable && connected->reused(), &retry};
        bool reusable = false;  // (GCC 12: no co_await inside ?:)
        if (connected->tls())
            reusable = co_await relay.over(connected->tls_stream());
        else
            reusable = co_await relay.over(connected->plain());
        // A TLS connection is never pooled: records the upstream sent after its answer may already sit in asio's
        // TLS input buffer, where neither OpenSSL nor the socket shows them, and the next request
        // would read them as its answer. A handshake per request is the price of that certainty.
        if (reusable && !connected->tls()) UpstreamPool::give_back(to, std::move(*connected));
        if (!retry) co_return;
    }
}

ReverseProxy::ReverseProxy(Config config)
    : config_(std::move(config)), tls_(std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client)) {
    tls_->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1);
    tls_->set_default_verify_paths();  // the system's roots (SSL_CERT_FILE / SSL_CERT_DIR can point elsewhere)
    tls_->set_verify_mode(config_.ssl_upstream_insecure_skip_verify ? asio::ssl::verify_none
                                                                      : asio::ssl::verify_peer);
}

}  // namespace gh::proxy
