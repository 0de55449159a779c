#pragma once
// One gRPC call on an HTTP/2 stream: its request headers checked as gRPC wants them (POST, application/grpc,
// grpc-encoding, grpc-timeout, the header list's size), its one message gathered within --grpc-max-message-bytes,
// then handed to its method; the answer goes back as gRPC frames it (headers, the message, grpc-status trailers).
// Calls are pooled per I/O thread: a steady load allocates none.
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "doors/envoy_grpc/grpc_protocol.hpp"
#include "doors/envoy_grpc/size_classes.hpp"
#include "http/h2.hpp"

namespace gh::doors::envoy_grpc {

enum class Method { unknown, ext_authz_check, health_check, health_watch };

struct CallLimits {
    std::size_t max_message_bytes = 4 << 20;
    std::size_t max_header_bytes = 32768;
    // Request bytes all the calls of one I/O thread may hold at once. A call keeps its request until it is done,
    // which may be after its stream closed (a Check waiting for Redis or the IdP when Envoy gave up on it): the
    // HTTP/2 connection's own budget (http::H2Limits) no longer counts it then, this one does. A chunk past it
    // first makes room: the request still arriving that holds the most bytes, if it holds more than the chunk's
    // call would, is answered RESOURCE_EXHAUSTED and let go (so one client's large unfinished bodies cannot turn
    // every other client's Check away, D28-F2); otherwise the chunk's own call is refused, RESOURCE_EXHAUSTED.
    std::size_t max_thread_request_bytes = 16 << 20;
    // Health Watches one I/O thread keeps open at once: past it a Watch is answered RESOURCE_EXHAUSTED. A Watch
    // holds its stream for as long as its client likes; health checkers (Kubernetes, Envoy) use Check.
    std::size_t max_thread_watches = 1024;
};
// A health check names a service: its request is a few bytes, and a Watch keeps it for as long as it lasts.
inline constexpr std::size_t kMaxHealthMessageBytes = 1024;

class GrpcCall;

// Where a call whose request is complete goes; the gRPC door (grpc_door.cpp).
class CallDispatcher {
public:
    virtual void dispatch(Method method, GrpcCall& call) = 0;

protected:
    ~CallDispatcher() = default;
};

class GrpcCall final : public http::H2Call {
public:
    // Taken from this thread's pool, for the stream `responder` answers.
    static GrpcCall& open(CallDispatcher& dispatcher, const CallLimits& limits, const http::H2Responder& responder,
                          const http::H2Peer& peer);

    // The request's one message, and where it came from. The message is valid during dispatch and, after it, only
    // while the call is held (hold()): a method that reads it later holds the call until then.
    std::string_view message() const { return message_; }
    const http::H2Peer& peer() const { return peer_; }

    // A whole answer: `message` then status OK. Nothing happens when the stream is gone or already answered.
    void reply(std::string_view message);
    // The call fails with `status` (grpc-message: `why`).
    void fail(RpcStatus status, std::string_view why);
    // A streamed answer (health Watch): messages one by one, then end().
    void send(std::string_view message);
    void end(RpcStatus status, std::string_view why = {});
    bool answered() const { return answered_; }

    // Work that continues after the request was handed over (a Redis lookup) holds the call until it lets go;
    // with a grpc-timeout, the call fails with DEADLINE_EXCEEDED if not answered by then.
    void hold();
    void let_go();
    // What to do when the connection goes away (SIGTERM) while the call is open: a Watch ends.
    void on_draining(void (*ending)(GrpcCall&)) { on_draining_ = ending; }

    // http::H2Call
    void header(std::string_view name, std::string_view value) override;
    void data(std::string_view bytes) override;
    void end_of_request() override;
    void malformed(std::string_view why) override;
    void not_arrived_in_time() override;
    void draining() override;
    void closed() override;

private:
    GrpcCall() = default;
    void reset(CallDispatcher& dispatcher, const CallLimits& limits, const http::H2Responder& responder,
               const http::H2Peer& peer);
    void send_headers();
    void refuse(std::string_view http_status, RpcStatus status, std::string_view why);
    // A request that is not a gRPC call (not POST, or another content-type) is refused as such (405, 415); true if so.
    bool refused_as_not_grpc();
    void start_deadline();
    void release_if_done();
    // This thread's calls whose requests are still arriving, by the bytes they hold (make_room's candidates).
    static SizeClasses<GrpcCall>& receiving_calls();
    // Lets go of the largest requests still arriving until `more` bytes fit in the thread's budget; false if only
    // requests no larger than this one would be are left.
    bool make_room(std::size_t more);
    // Answers RESOURCE_EXHAUSTED and gives the request's bytes back now (make_room).
    void crowd_out(std::size_t needed_by);
    void give_back_request_bytes();
    // Once the message is not read any more (answered or dispatched, and not in dispatch nor held): gives the
    // request's bytes back.
    void give_back_if_done_reading();

    CallDispatcher* dispatcher_ = nullptr;
    const CallLimits* limits_ = nullptr;
    http::H2Responder responder_;
    http::H2Peer peer_;
    std::string body_;  // the request's frames; its capacity is kept for the next call on this thread
    std::size_t counted_ = 0;  // of body_, in this thread's held request bytes (CallLimits::max_thread_request_bytes)
    SizeClasses<GrpcCall>::Links receiving_;  // in receiving_calls() while the request arrives and holds bytes
    std::string_view message_;
    Method method_ = Method::unknown;
    std::size_t header_bytes_ = 0;
    std::string_view problem_;  // why the headers make the call unanswerable (set once)
    RpcStatus problem_status_ = RpcStatus::ok;
    const char* problem_http_status_ = "200";
    bool post_ = false;
    bool grpc_content_type_ = false;
    std::optional<std::chrono::nanoseconds> timeout_;
    bool headers_sent_ = false;
    bool answered_ = false;
    bool stream_open_ = false;
    int holds_ = 0;
    bool dispatching_ = false;  // inside dispatcher_->dispatch: the method may still read the message
    bool dispatched_ = false;   // handed to its method: after dispatch, only a holder reads the message
    bool counts_as_watch_ = false;  // an open Watch, in open_watches() until released
    std::optional<boost::asio::steady_timer> deadline_;
    void (*on_draining_)(GrpcCall&) = nullptr;
};

}  // namespace gh::doors::envoy_grpc
