#pragma once
// One HTTP/2 server connection's protocol state, without its I/O: bytes in (receive), bytes out (take_output).
// nghttp2 parses frames, keeps HPACK and flow control, and validates HTTP semantics (pseudo-headers, content-length,
// stream states); this class turns its callbacks into H2Call events, keeps each stream's pending answer, and
// tracks what the connection's deadline depends on (the oldest request still arriving, keepalive pings).
// h2_connection.cpp drives it over a socket. Internal to http/.
#include <nghttp2/nghttp2.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/coarse_clock.hpp"
#include "http/h2.hpp"

namespace gh::http {

class H2Session {
public:
    using Clock = CoarseClock;

    H2Session(H2Handler& handler, const H2Limits& limits, H2Peer peer);
    virtual ~H2Session();
    H2Session(const H2Session&) = delete;
    H2Session& operator=(const H2Session&) = delete;

    // Queues the server's SETTINGS. False when nghttp2 could not start (out of memory).
    bool start();
    // Feeds received bytes. False when the connection must end: a protocol error (nghttp2 queued a GOAWAY,
    // to be sent first) or an abuse this class refuses.
    bool receive(const std::uint8_t* data, std::size_t size);
    // Appends what is ready to send to `out`, up to about `limit` bytes. True when that was all of it.
    bool take_output(std::string& out, std::size_t limit);
    // Neither side has anything more to say: the connection can close.
    bool finished() const;
    // SIGTERM, or the connection grew too old: GOAWAY naming the last stream taken; those finish, no new one starts.
    void go_away_gracefully();
    // Ends the session at once with GOAWAY(`error`); what was queued is still sent.
    void go_away_now(std::uint32_t error);
    bool going_away() const { return going_away_; }

    // Streams open (a request arriving, or an answer not yet sent).
    std::size_t open_streams() const { return live_; }
    // When the oldest request still arriving began; empty when none is.
    std::optional<Clock::time_point> oldest_incoming() const;
    // Answers the requests still arriving that began at `cutoff` or before (H2Call::not_arrived_in_time); how many.
    std::size_t answer_late_requests(Clock::time_point cutoff);
    // Since when the oldest answer bytes wait for the client's HTTP/2 flow-control window (nghttp2 took nothing of
    // them since); empty when none do. A client that stops reading stops opening its window: its connection holds
    // its streams, and their answers, until the idle timeout says otherwise.
    std::optional<Clock::time_point> oldest_unsent() const;
    bool received_anything() const { return received_anything_; }
    // Since when no stream is open: the session's start, or the close of its last stream. Frames outside streams
    // (PING, SETTINGS, WINDOW_UPDATE, PRIORITY, unknown types) do not move it: a connection kept only by them is idle.
    Clock::time_point idle_since() const { return idle_since_; }
    const H2Peer& peer() const { return peer_; }
    // The peer's address for a log line ("-" when unknown), taken when the connection began.
    std::string peer_text() const {
        return peer_.address.is_unspecified() ? std::string("-") : peer_.address.to_string();
    }
    // Why the connection ends for a fault of the client's, for the log line: receive() failed, or nghttp2 found a
    // protocol error and sent GOAWAY with its code (nghttp2 keeps accepting bytes after that, so receive() does
    // not fail for it; it is known once the GOAWAY is taken by take_output()). Empty otherwise.
    std::string_view problem() const { return problem_; }

protected:
    // Output became ready outside receive() (an answer finished later, on this thread): the connection sends it.
    virtual void output_ready() = 0;

public:
    struct Stream;  // public for the thread's list of streams (h2_session.cpp), opaque outside it

private:
    friend class H2Responder;

    // nghttp2's callbacks, each forwarding to the session in user_data.
    static int on_begin_headers(nghttp2_session*, const nghttp2_frame*, void*);
    static int on_header(nghttp2_session*, const nghttp2_frame*, nghttp2_rcbuf*, nghttp2_rcbuf*, std::uint8_t, void*);
    static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t, const std::uint8_t*, std::size_t, void*);
    static int on_frame_recv(nghttp2_session*, const nghttp2_frame*, void*);
    static int on_frame_send(nghttp2_session*, const nghttp2_frame*, void*);
    static int on_stream_close(nghttp2_session*, std::int32_t, std::uint32_t, void*);
    static ssize_t read_answer(nghttp2_session*, std::int32_t, std::uint8_t*, std::size_t, std::uint32_t*,
                               nghttp2_data_source*, void*);

    Stream* stream(std::int32_t id) const;
    Stream* new_stream(std::int32_t id);
    void recycle(Stream* s);
    // Marks a call into the session from outside (the connection, a call answering): spare streams are trimmed only
    // when the outermost one returns, where no closed stream can still be in use further up the stack.
    class Entered;
    void trim_spares();
    void unlink_incoming(Stream& s);
    void request_ended(Stream& s);
    // The stream's body leaves the connection's budget (H2Limits::max_buffered_body_bytes).
    void stop_counting_body(Stream& s);
    // Lets go of the requests holding the most body bytes until `len` more bytes of `s` fit in
    // H2Limits::max_buffered_body_bytes; false if only smaller ones than `s` would be are left.
    bool make_room(Stream& s, std::size_t len);
    // Resets a stream whose body would take the connection past H2Limits::max_buffered_body_bytes.
    void refuse_body(Stream& s);
    void reset_body(Stream& s);
    void log_body_refusal(const Stream& s, std::string_view why);
    // Refuses a stream whose request HTTP/2 calls malformed (RequestFields): its call answers.
    void refuse_malformed(Stream& s, std::string_view why);
    // Whether a refused stream may have its log line now (a bucket of 16, refilled one a second).
    bool may_log_refusal();
    // Past the thread's H2Limits::max_thread_streams or max_thread_answer_bytes: its oldest streams are reset until
    // they are not (and `s` itself, if its own answer is what is past: then true, and `s` may be recycled already).
    bool make_room_on_thread(Stream& s);
    void evict(Stream& s);
    void leave_thread(Stream& s);
    // Brings ThreadStreams::answer_bytes up to date with `s`'s answer bytes not yet taken.
    void count_answer_bytes(Stream& s);
    // Nothing more of the request reaches the call, which answers it (`answer`); a reset if it cannot.
    void stop_request(Stream& s, void (*answer)(H2Call&, std::string_view), std::string_view why);
    bool ping_received();
    void notify();

    // H2Responder's work.
    void respond_headers(std::int32_t id, std::span<const H2Header> fields);
    void respond_data(std::int32_t id, std::string_view head, std::string_view rest);
    void respond_finish(std::int32_t id, std::span<const H2Header> trailers);
    void respond_trailers_only(std::int32_t id, std::span<const H2Header> fields);

    H2Handler& handler_;
    const H2Limits& limits_;
    const H2Peer peer_;
    nghttp2_session* session_ = nullptr;
    std::vector<std::unique_ptr<Stream>> spare_;  // recycled streams: a steady load allocates none
    std::vector<Stream*> live_list_;  // every open stream, for the destructor
    std::vector<Stream*> draining_calls_;
    std::size_t live_ = 0;
    std::size_t buffered_body_bytes_ = 0;  // over the open streams (Stream::body_bytes)
    bool body_refusal_logged_ = false;
    // The log lines of refused streams (may_log_refusal): tokens left, when last refilled, and those not logged.
    std::uint32_t refusal_tokens_ = 16;
    Clock::time_point refusal_refill_ = Clock::now();
    std::uint64_t refusals_not_logged_ = 0;
    Stream* headers_of_ = nullptr;  // the stream whose header block is being received
    Stream* incoming_head_ = nullptr;  // requests still arriving, oldest first
    Stream* incoming_tail_ = nullptr;
    bool in_receive_ = false;
    std::uint32_t entered_ = 0;  // Entered scopes on the stack
    bool going_away_ = false;
    bool received_anything_ = false;
    bool refused_ = false;  // an abuse this class ended the session for
    std::string_view problem_;
    std::string goaway_problem_;  // problem_'s text for a GOAWAY nghttp2 sent on its own
    Clock::time_point idle_since_ = Clock::now();
    Clock::time_point last_ping_{};
    int ping_strikes_ = 0;
};

}  // namespace gh::http
