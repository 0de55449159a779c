// One HTTP/2 connection on a worker's thread: reads feed the session (h2_session.cpp), whose output is written as
// soon as there is some: after each read, and whenever a call answers later (a Redis lookup). One coroutine reads;
// writes are started by whoever produced output, one at a time. The deadline follows what the connection waits for
// (worker.hpp's sweeper enforces it): the preface and each request to arrive whole within --header-read-timeout,
// an answer to be taken by the client (from the socket, or through its HTTP/2 flow-control window) and an idle
// connection within --idle-timeout.
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "http/h2_session.hpp"
#include "http/registration.hpp"
#include "http/tuple_token.hpp"
#include "http/worker.hpp"
#include "text/release.hpp"

namespace gh::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using TlsStream = asio::ssl::stream<tcp::socket>;

// What one write takes from the session at most; more waits for the next.
constexpr std::size_t kWriteBatch = 64 * 1024;
constexpr std::size_t kReadSize = 16 * 1024;
// What an idle connection keeps of its last write's buffer: a batch of a few dozen Check answers, so that a steady
// load allocates none; a larger one is given back once written.
constexpr std::size_t kKeptWriteBytes = 16 * 1024;

template <class Transport>
class H2Connection final : public H2Session, public ConnectionEnding {
public:
    H2Connection(Worker& w, Transport& stream, Registration& reg, const Listener& listener, H2Peer peer)
        : H2Session(*listener.h2, listener.h2_limits, peer),
          w_(w),
          stream_(stream),
          reg_(reg),
          listener_(listener),
          writes_done_(stream.get_executor()) {
        reg_.own_ending(this);
    }
    ~H2Connection() override { reg_.own_ending(nullptr); }

    asio::awaitable<void> serve() {
        if (!start()) co_return;
        // Accepted (or its TLS handshake done) while the server drains: it is told to go away at once.
        if (w_.draining) go_away_gracefully();
        flush();
        if constexpr (!kPlain) read_buffer_ = std::make_unique<std::array<std::uint8_t, kReadSize>>();
        bool answered_a_read = false;
        while (!ended_ && !finished()) {
            update_deadline();
            std::size_t n = 0;
            boost::system::error_code ec;
            const std::uint8_t* data = nullptr;
            if constexpr (kPlain) {
                // Right after answering, the client has rarely sent more yet: reading at once would mostly fail
                // (EAGAIN), and the wait that follows re-arms the descriptor (epoll_ctl), two system calls per call
                // for nothing. The loop first runs what else is ready, as the HTTP/1.1 connections do.
                if (answered_a_read) {
                    answered_a_read = false;
                    co_await asio::post(stream_.get_executor(), asio::use_awaitable);
                    if (ended_ || closed_) break;
                }
                // A connection waiting for its next request holds no buffer: the thread's own is filled only once
                // bytes are there, and handed to the session before anything else runs on this thread.
                thread_local std::array<std::uint8_t, kReadSize> buffer;
                n = stream_.read_some(asio::buffer(buffer), ec);
                if (ec == asio::error::would_block) {
                    std::tie(ec) = co_await stream_.async_wait(tcp::socket::wait_read, kTuple);
                    if (ec) break;
                    continue;
                }
                data = buffer.data();
            } else {
                std::tie(ec, n) = co_await stream_.async_read_some(asio::buffer(*read_buffer_), kTuple);
                data = read_buffer_->data();
            }
            if (ec) break;
            if (!receive(data, n)) {
                log_refusal();
                ended_ = true;
                break;
            }
            mind_age();
            flush();
            answered_a_read = true;
        }
        // What was queued (the answers, a GOAWAY) still goes out, as long as the client reads it.
        ended_ = true;
        flush();
        while (writing_) {
            writes_done_.expires_at(asio::steady_timer::time_point::max());
            co_await writes_done_.async_wait(kTuple);
        }
        // A protocol error nghttp2 answered with GOAWAY is known only once that GOAWAY was taken to be sent.
        if (!refusal_logged_ && !problem().empty()) log_refusal();
    }

    void drain() override { go_away_gracefully(); }

    void expire() override {
        // Only the age is due (a connection that sends nothing keeps its age too): asked to go away, not closed;
        // its calls get --shutdown-timeout.
        if (!going_away() && timeouts_deadline() > Worker::Clock::now()) {
            mind_age();
            update_deadline(true);
            return;
        }
        // Answers wait for the client's flow-control window (it stopped reading them) past the idle timeout.
        const auto unsent = oldest_unsent();
        const bool window_shut = unsent && Worker::Clock::now() >= *unsent + w_.limits.idle_timeout;
        if (writing_ || window_shut) {
            spdlog::info("closed {} connection: the client did not read its answers within {} ms (--idle-timeout)",
                         protocol(), w_.limits.idle_timeout.count());
        } else if (oldest_incoming()) {
            // Only the late requests are answered: the connection, and the other calls a proxy may carry on it, go on.
            const auto late = answer_late_requests(Worker::Clock::now() - w_.limits.header_read_timeout);
            spdlog::info("answered {} stream{} of a {} connection: the request did not arrive whole within {} ms "
                         "(--header-read-timeout)",
                         late, late == 1 ? "" : "s", protocol(), w_.limits.header_read_timeout.count());
            update_deadline(true);
            return;
        } else if (!received_anything()) {
            spdlog::info("closed {} connection: no HTTP/2 preface within {} ms (--header-read-timeout)", protocol(),
                         w_.limits.header_read_timeout.count());
        } else if (open_streams() == 0 && !going_away()) {
            // Idle: said with a GOAWAY, so that the client knows no stream was lost.
            go_away_now(NGHTTP2_NO_ERROR);
            if constexpr (kPlain) {
                std::string out;
                take_output(out, 256);
                boost::system::error_code ec;
                stream_.write_some(asio::buffer(out), ec);  // non-blocking: what fits, or nothing
            }
        }
        close();
    }

private:
    static constexpr bool kPlain = std::is_same_v<Transport, tcp::socket>;

    std::string_view protocol() const { return listener_.h2->protocol_name(); }

    void output_ready() override { flush(); }

    // Starts writing what the session has to send, unless a write is under way (its completion comes back here).
    void flush() {
        if (flushing_) {
            flush_again_ = true;  // output produced while taking output: taken on the next turn of the loop below
            return;
        }
        if (writing_ || closed_) return;
        flushing_ = true;
        for (;;) {
            flush_again_ = false;
            out_.clear();
            const bool all_taken = take_output(out_, kWriteBatch);
            if (out_.empty()) {
                if (flush_again_) continue;
                break;
            }
            std::size_t sent = 0;
            boost::system::error_code ec;
            if constexpr (kPlain) {
                // Most answers fit the socket's buffer: written at once, no asynchronous round trip.
                sent = stream_.write_some(asio::buffer(out_), ec);
                if (ec == asio::error::would_block) ec = {};
                if (ec) {
                    close();
                    break;
                }
                // Written whole: asked again only for what may have come since (nghttp2 would answer "nothing").
                if (sent == out_.size()) {
                    if (all_taken && !flush_again_) break;
                    continue;
                }
            }
            writing_ = true;
            write_started_ = Worker::Clock::now();
            asio::async_write(stream_, asio::buffer(out_) + sent, [this](boost::system::error_code wec, std::size_t) {
                writing_ = false;
                writes_done_.cancel();
                if (wec) return close();
                last_written_ = Worker::Clock::now();
                flush();
            });
            break;
        }
        flushing_ = false;
        if (writing_) return update_deadline();
        // All written: a batch of many answers' bytes is not kept while the connection waits (D33-F1).
        if (out_.capacity() > kKeptWriteBytes) text::release(out_);
        // Nothing left to write: a session that has said everything ends, waking the reader.
        if (finished() || ended_) stop_reading();
        else update_deadline();
    }

    // The deadline of what the connection waits for (see the comment at the top of the file), its age aside.
    Worker::Clock::time_point timeouts_deadline() const {
        const auto& limits = w_.limits;
        auto deadline = Worker::Clock::time_point::max();
        if (const auto oldest = oldest_incoming()) {
            deadline = *oldest + limits.header_read_timeout;
        } else if (open_streams() == 0) {
            // Bytes alone do not keep a connection: the preface is due within the header-read timeout of the
            // connection's start (not of its last byte, which a trickle would keep moving), and the idle timeout runs
            // from when its last stream closed (or its last answer was written), whatever frames without a stream
            // (SETTINGS, PING, WINDOW_UPDATE, PRIORITY …) came since.
            deadline = received_anything() ? std::max(idle_since(), last_written_) + limits.idle_timeout
                                           : born_ + limits.header_read_timeout;
        }
        // Streams in the handler's hands (waiting for Redis) have no deadline here: what they wait for has its own.
        // Answers the client does not take, in the socket (a write under way) or behind its HTTP/2 window, do.
        if (writing_) deadline = std::min(deadline, write_started_ + limits.idle_timeout);
        if (const auto unsent = oldest_unsent()) deadline = std::min(deadline, *unsent + limits.idle_timeout);
        return deadline;
    }

    // The connection's deadline for the sweeper: the timeouts', its age (the GOAWAY is due) or, once it was told to
    // go away at its age, the end of the time its calls have. `after_expiry`: the sweeper has marked it timed out.
    void update_deadline(bool after_expiry = false) {
        auto deadline = std::min(timeouts_deadline(), age_deadline_);
        if (!going_away()) deadline = std::min(deadline, born_ + listener_.h2_limits.max_connection_age);
        after_expiry ? reg_.rearm_until(deadline) : reg_.arm_until(deadline);
    }

    // --grpc-max-connection-age: an old connection is asked to go away, and closed after the shutdown timeout.
    void mind_age() {
        if (going_away()) return;
        const auto now = Worker::Clock::now();
        if (now - born_ < listener_.h2_limits.max_connection_age) return;
        go_away_gracefully();
        age_deadline_ = now + w_.limits.shutdown_timeout;
    }

    void log_refusal() {
        refusal_logged_ = true;
        // The address taken when the connection began: the socket may be closed by now.
        spdlog::info("closed {} connection from {}: {}", protocol(), peer_text(), problem());
    }

    // Called with no write under way: only the reader's wait is cancelled.
    void stop_reading() {
        ended_ = true;
        boost::system::error_code ec;
        stream_.lowest_layer().cancel(ec);
    }

    void close() {
        closed_ = ended_ = true;
        boost::system::error_code ec;
        stream_.lowest_layer().close(ec);
    }

    Worker& w_;
    Transport& stream_;
    Registration& reg_;
    const Listener& listener_;
    std::string out_;  // the write under way
    std::unique_ptr<std::array<std::uint8_t, kReadSize>> read_buffer_;  // TLS only: OpenSSL reads into it
    asio::steady_timer writes_done_;  // the reader waits on it for the last write before the connection ends
    bool writing_ = false;
    bool flushing_ = false;
    bool flush_again_ = false;
    bool ended_ = false;
    bool closed_ = false;
    bool refusal_logged_ = false;
    const Worker::Clock::time_point born_ = Worker::Clock::now();
    Worker::Clock::time_point last_written_ = born_;  // when a write last completed
    Worker::Clock::time_point write_started_{};
    Worker::Clock::time_point age_deadline_ = Worker::Clock::time_point::max();
};

H2Peer peer_of(tcp::socket& socket, bool tls) {
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return {ec ? asio::ip::address{} : endpoint.address(), tls, socket.get_executor()};
}

}  // namespace

asio::awaitable<void> serve_h2(Worker& w, tcp::socket& socket, Registration& reg, const Listener& listener) {
    H2Connection<tcp::socket> connection(w, socket, reg, listener, peer_of(socket, false));
    co_await connection.serve();
}

asio::awaitable<void> serve_h2(Worker& w, TlsStream& stream, Registration& reg, const Listener& listener) {
    H2Connection<TlsStream> connection(w, stream, reg, listener, peer_of(stream.next_layer(), true));
    co_await connection.serve();
}

}  // namespace gh::http
