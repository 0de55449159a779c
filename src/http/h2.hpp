#pragma once
// HTTP/2 on the server's own I/O threads, as a handler sees it: a stream's request arrives header by header and
// chunk by chunk, and is answered through its H2Responder, at once or later from the same thread. nghttp2 does
// the framing, HPACK and flow control (h2_session.cpp); no nghttp2 name leaves http/. The gRPC door is the one
// user (doors/envoy_grpc), but nothing here knows gRPC.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace gh::http {

struct H2Header {
    std::string_view name;
    std::string_view value;
};

class H2Session;

// The answer side of one stream: headers, then any number of writes, then trailers; or a whole answer as one
// header block (trailers_only). Used only on the connection's own thread, and only until H2Call::closed().
class H2Responder {
public:
    H2Responder() = default;
    // The names and values must stay valid until the stream closes (gRPC's are constants): nghttp2 reads them when
    // it sends the frame, and is told not to copy them.
    void headers(std::span<const H2Header> fields) const;
    // `head` then `rest`, as one piece (a message and what frames it, without joining them first).
    void write(std::string_view head, std::string_view rest = {}) const;
    void finish(std::span<const H2Header> trailers) const;
    void trailers_only(std::span<const H2Header> fields) const;
    std::int32_t stream_id() const { return stream_id_; }

private:
    friend class H2Session;
    H2Responder(H2Session* session, std::int32_t stream_id) : session_(session), stream_id_(stream_id) {}
    H2Session* session_ = nullptr;
    std::int32_t stream_id_ = 0;
};

// One request stream, owned by the handler that opened it. The session calls, in order: header() for each
// field (pseudo-headers first, as received), data() for each chunk of the body, end_of_request() once the
// client ended its side, and closed() exactly once when the stream is gone (answered and sent, reset by the
// client, or the connection ended), possibly before end_of_request. After closed() the responder is not used.
// malformed() instead of the rest, when the request breaks HTTP/2's rules for requests (RFC 9113 §8.1.1).
class H2Call {
public:
    virtual void header(std::string_view name, std::string_view value) = 0;
    virtual void data(std::string_view bytes) = 0;
    virtual void end_of_request() = 0;
    // The request is malformed (`why`, for the answer): nothing more of it comes. The call answers it with a whole
    // response of its protocol, which RFC 9113 allows before the stream ends: a bare RST_STREAM PROTOCOL_ERROR
    // would have nginx's grpc_pass count the server as failed and take it out of its upstreams (D26-F3).
    virtual void malformed(std::string_view why) = 0;
    // The request did not arrive whole in time (--header-read-timeout): nothing more of it is read. Answered like
    // malformed(): the connection and its other streams go on (closing it had nginx count the server as failed and
    // cut off the other calls a proxy carried on it, D27-F2).
    virtual void not_arrived_in_time() = 0;
    // The connection is going away (SIGTERM): a long-lived stream (a health Watch) should end now.
    virtual void draining() {}
    virtual void closed() = 0;

protected:
    ~H2Call() = default;
};

// What a handler may know of the connection a stream came on.
struct H2Peer {
    boost::asio::ip::address address;  // the TCP peer (for Envoy: Envoy itself)
    bool tls = false;
    boost::asio::any_io_executor executor;  // the connection's thread, where a call that waits continues
};

class H2Handler {
public:
    virtual ~H2Handler() = default;
    // A request stream begins; never null. Called on the connection's thread.
    virtual H2Call* open_call(const H2Responder& responder, const H2Peer& peer) = 0;
    // What log lines call this listener's connections ("gRPC").
    virtual std::string_view protocol_name() const = 0;
};

// The limits of an HTTP/2 connection, beside the HTTP listener's (http::Limits: connection cap, timeouts).
struct H2Limits {
    std::uint32_t max_concurrent_streams = 100;  // SETTINGS_MAX_CONCURRENT_STREAMS
    // SETTINGS_MAX_HEADER_LIST_SIZE: the handler enforces it; a header block over twice this size resets its stream
    // without being read further (h2_session.cpp says why).
    std::uint32_t max_header_list_bytes = 32768;
    // Request body bytes one connection's streams may hold at once (handed to their calls, not yet closed). A
    // chunk that would go past it resets its stream (RST_STREAM ENHANCE_YOUR_CALM, which gRPC clients read as
    // RESOURCE_EXHAUSTED): otherwise each of the connection's streams could hold a body up to the handler's own
    // limit (100 x 4 MiB for gRPC). Flow control would stall instead, and stall for good when several large bodies
    // arrive interleaved and none can complete.
    std::size_t max_buffered_body_bytes = 4 * 1024 * 1024;
    // Streams one I/O thread keeps open at once, over all its connections (each holds ~1.4 KiB, with its call, for as
    // long as the client keeps it: 100,000 grew the server by 140 MB, D30-F2), and the answer bytes they hold that
    // their clients have not taken (a denial can be three times its request, D31-F2). Past either, the thread's
    // oldest streams are reset (ENHANCE_YOUR_CALM) to make room: streams kept open on purpose are the old ones.
    std::size_t max_thread_streams = 4096;
    std::size_t max_thread_answer_bytes = 16 * 1024 * 1024;
    // A connection older than this is asked to go away (GOAWAY), then closed once its streams are done or
    // after the shutdown timeout: clients reconnect, so that load spreads over new replicas.
    std::chrono::milliseconds max_connection_age{30 * 60 * 1000};
    // Keepalive pings: a client may ping once per interval while no stream is active; beyond `max_ping_strikes`
    // pings sooner, the connection gets GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings"), as gRPC servers answer.
    std::chrono::milliseconds min_ping_interval{10'000};
    int max_ping_strikes = 2;
};

}  // namespace gh::http
