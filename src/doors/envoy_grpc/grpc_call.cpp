#include "doors/envoy_grpc/grpc_call.hpp"

#include <array>
#include <chrono>
#include <memory>
#include <vector>

#include <spdlog/spdlog.h>

#include "text/release.hpp"

namespace gh::doors::envoy_grpc {
namespace {

using http::H2Header;

// This thread's calls not in use. Bounded, as the body buffers they keep: a burst of streams, or of large
// messages, does not stay resident (at most 256 x 16 KiB a thread).
constexpr std::size_t kMaxPooled = 256;
constexpr std::size_t kMaxKeptBody = 16 * 1024;

// What the calls of this thread hold of their requests (CallLimits::max_thread_request_bytes).
std::size_t& thread_request_bytes() {
    thread_local std::size_t bytes = 0;
    return bytes;
}

// Health Watches of this thread not yet released (CallLimits::max_thread_watches).
std::size_t& open_watches() {
    thread_local std::size_t watches = 0;
    return watches;
}

std::vector<std::unique_ptr<GrpcCall>>& pool() {
    thread_local std::vector<std::unique_ptr<GrpcCall>> calls;
    return calls;
}

Method method_of(std::string_view path) {
    if (path == "/envoy.service.auth.v3.Authorization/Check") return Method::ext_authz_check;
    if (path == "/grpc.health.v1.Health/Check") return Method::health_check;
    if (path == "/grpc.health.v1.Health/Watch") return Method::health_watch;
    return Method::unknown;
}

constexpr std::array<H2Header, 2> kResponseHeaders{{{":status", "200"}, {"content-type", "application/grpc"}}};

}  // namespace

GrpcCall& GrpcCall::open(CallDispatcher& dispatcher, const CallLimits& limits, const http::H2Responder& responder,
                         const http::H2Peer& peer) {
    auto& calls = pool();
    std::unique_ptr<GrpcCall> call;
    if (calls.empty()) {
        call.reset(new GrpcCall());
    } else {
        call = std::move(calls.back());
        calls.pop_back();
    }
    call->reset(dispatcher, limits, responder, peer);
    return *call.release();  // owned by the stream until closed() and the last let_go()
}

void GrpcCall::reset(CallDispatcher& dispatcher, const CallLimits& limits, const http::H2Responder& responder,
                     const http::H2Peer& peer) {
    dispatcher_ = &dispatcher;
    limits_ = &limits;
    responder_ = responder;
    peer_ = peer;
    body_.clear();
    message_ = {};
    method_ = Method::unknown;
    header_bytes_ = 0;
    problem_ = {};
    problem_status_ = RpcStatus::ok;
    problem_http_status_ = "200";
    post_ = grpc_content_type_ = false;
    timeout_.reset();
    headers_sent_ = answered_ = false;
    stream_open_ = true;
    holds_ = 0;
    dispatching_ = dispatched_ = false;
    deadline_.reset();
    on_draining_ = nullptr;
}

void GrpcCall::header(std::string_view name, std::string_view value) {
    // The size HTTP/2 counts for SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2): name, value and 32 each.
    header_bytes_ += name.size() + value.size() + 32;
    if (header_bytes_ > limits_->max_header_bytes && problem_.empty()) {
        problem_ = "request header list larger than --max-header-bytes";
        problem_status_ = RpcStatus::resource_exhausted;
    }
    if (name == ":method") {
        post_ = value == "POST";
    } else if (name == ":path") {
        method_ = method_of(value);
    } else if (name == "content-type") {
        grpc_content_type_ = is_grpc_content_type(value);
    } else if (name == "grpc-encoding") {
        // Only uncompressed messages are read: a compressed one would be judged as garbage.
        if (value != "identity" && problem_.empty()) {
            problem_ = "grpc-encoding other than identity is not supported";
            problem_status_ = RpcStatus::unimplemented;
        }
    } else if (name == "grpc-timeout") {
        timeout_ = parse_timeout(value);
        if (!timeout_ && problem_.empty()) {
            problem_ = "malformed grpc-timeout";
            problem_status_ = RpcStatus::invalid_argument;
        }
    }
}

void GrpcCall::data(std::string_view bytes) {
    if (answered_) return;  // refused already: the rest is dropped (and the client was told to stop)
    // The headers are all in: a body that is not gRPC's is not read as gRPC's framing (its first bytes would be
    // taken for a message length, and the request refused for that instead of for what it is).
    if (refused_as_not_grpc()) return;
    const bool health = method_ == Method::health_check || method_ == Method::health_watch;
    const std::size_t max_message = health ? kMaxHealthMessageBytes : limits_->max_message_bytes;
    const char* too_large = health ? "health check message larger than 1024 bytes"
                                   : "message larger than --grpc-max-message-bytes";
    if (body_.size() + bytes.size() > max_message + 5) {
        fail(RpcStatus::resource_exhausted, too_large);
        return;
    }
    if (thread_request_bytes() + bytes.size() > limits_->max_thread_request_bytes && !make_room(bytes.size())) {
        fail(RpcStatus::resource_exhausted, "the server holds too many request bytes; try again");
        return;
    }
    body_.append(bytes);
    counted_ += bytes.size();
    thread_request_bytes() += bytes.size();
    receiving_calls().update(*this, counted_);
    // The prefix says how large the message will be: refused before it all arrives.
    if (const auto declared = declared_length(body_); declared && *declared > max_message)
        fail(RpcStatus::resource_exhausted, too_large);
}

bool GrpcCall::refused_as_not_grpc() {
    if (!post_) {
        refuse("405", RpcStatus::unimplemented, "gRPC calls are POST requests");
        return true;
    }
    // The protocol's answer to what is not gRPC at all (gRPC over HTTP2: "415 Unsupported Media Type").
    if (!grpc_content_type_) {
        refuse("415", RpcStatus::internal, "content-type is not application/grpc");
        return true;
    }
    return false;
}

void GrpcCall::end_of_request() {
    receiving_calls().update(*this, 0);  // whole: its message is read from body_ from now on
    if (answered_) return;
    if (refused_as_not_grpc()) return;
    if (!problem_.empty()) return fail(problem_status_, problem_);
    if (method_ == Method::unknown) return fail(RpcStatus::unimplemented, "unknown method");
    switch (one_message(body_, message_)) {
        case Framing::ok: break;
        case Framing::empty: return fail(RpcStatus::internal, "a unary call takes one message, none came");
        case Framing::compressed: return fail(RpcStatus::internal, "a compressed message without grpc-encoding");
        case Framing::length_mismatch: return fail(RpcStatus::internal, "a unary call takes exactly one message");
    }
    if (timeout_ && timeout_->count() <= 0) return fail(RpcStatus::deadline_exceeded, "deadline already passed");
    if (method_ == Method::health_watch) {
        // A Watch stays open for as long as its client likes, holding its stream: a bounded few per thread, so that
        // Watches cannot take the streams Checks need (D30-F1, F2). Health checkers use Check; a Watch is rare.
        if (open_watches() >= limits_->max_thread_watches)
            return fail(RpcStatus::resource_exhausted, "too many health Watches open; try again");
        ++open_watches();
        counts_as_watch_ = true;
    }
    dispatching_ = dispatched_ = true;
    dispatcher_->dispatch(method_, *this);
    dispatching_ = false;
    give_back_if_done_reading();
}

void GrpcCall::malformed(std::string_view why) {
    // gRPC over HTTP/2 maps HTTP 400 to INTERNAL; the client's operator reads why in grpc-message.
    refuse("400", RpcStatus::internal, "malformed HTTP/2 request: " + std::string(why));
}

void GrpcCall::not_arrived_in_time() {
    refuse("200", RpcStatus::deadline_exceeded, "the request did not arrive whole within --header-read-timeout");
}

void GrpcCall::send_headers() {
    if (headers_sent_) return;
    headers_sent_ = true;
    responder_.headers(kResponseHeaders);
}

void GrpcCall::reply(std::string_view message) {
    if (answered_ || !stream_open_) return;
    send(message);
    end(RpcStatus::ok);
}

void GrpcCall::send(std::string_view message) {
    if (answered_ || !stream_open_) return;
    send_headers();
    // Prefix and message, copied into the stream's own buffer as one piece.
    const auto prefix = message_prefix(static_cast<std::uint32_t>(message.size()));
    responder_.write({prefix.data(), prefix.size()}, message);
}

void GrpcCall::end(RpcStatus status, std::string_view why) {
    if (answered_ || !stream_open_) return;
    if (!headers_sent_) return refuse("200", status, why);
    answered_ = true;
    if (deadline_) deadline_->cancel();
    thread_local std::string encoded;
    encoded.clear();
    percent_encode_message(why, encoded);
    const std::array<H2Header, 2> trailers{{{"grpc-status", status_text(status)}, {"grpc-message", encoded}}};
    // Before the answer goes: outside a read it is sent at once, and the stream's close may release this call.
    give_back_if_done_reading();
    responder_.finish({trailers.data(), why.empty() ? 1u : 2u});
}

void GrpcCall::fail(RpcStatus status, std::string_view why) { end(status, why); }

// A whole answer in one header block (gRPC's "Trailers-Only"), with the HTTP status given.
void GrpcCall::refuse(std::string_view http_status, RpcStatus status, std::string_view why) {
    if (answered_ || !stream_open_) return;
    answered_ = true;
    if (deadline_) deadline_->cancel();
    thread_local std::string encoded;
    encoded.clear();
    percent_encode_message(why, encoded);
    const std::array<H2Header, 4> fields{{{":status", http_status},
                                          {"content-type", "application/grpc"},
                                          {"grpc-status", status_text(status)},
                                          {"grpc-message", encoded}}};
    give_back_if_done_reading();  // before the answer goes (end() says why)
    responder_.trailers_only({fields.data(), why.empty() ? 3u : 4u});
}

void GrpcCall::hold() {
    if (holds_++ == 0 && timeout_ && !deadline_) start_deadline();
}

void GrpcCall::let_go() {
    --holds_;
    give_back_if_done_reading();
    release_if_done();
}

void GrpcCall::start_deadline() {
    deadline_.emplace(peer_.executor, std::chrono::steady_clock::now() + *timeout_);
    ++holds_;  // the timer holds the call until it fires or is cancelled
    deadline_->async_wait([this](const boost::system::error_code& ec) {
        if (!ec) fail(RpcStatus::deadline_exceeded, "deadline exceeded while waiting for the session store or the IdP");
        let_go();
    });
}

void GrpcCall::draining() {
    if (on_draining_) on_draining_(*this);
}

void GrpcCall::closed() {
    stream_open_ = false;
    if (deadline_) deadline_->cancel();
    release_if_done();
}

SizeClasses<GrpcCall>& GrpcCall::receiving_calls() {
    thread_local SizeClasses<GrpcCall> calls(&GrpcCall::receiving_);
    return calls;
}

bool GrpcCall::make_room(std::size_t more) {
    while (thread_request_bytes() + more > limits_->max_thread_request_bytes) {
        GrpcCall* largest = receiving_calls().largest();
        if (!largest || largest == this || largest->counted_ <= counted_ + more) return false;
        largest->crowd_out(counted_ + more);
    }
    return true;
}

void GrpcCall::crowd_out(std::size_t needed_by) {
    // Logged at most once in 10 s a thread: a client that keeps sending large bodies would flood the log.
    thread_local std::chrono::steady_clock::time_point last_logged{};
    const auto now = std::chrono::steady_clock::now();
    if (last_logged == std::chrono::steady_clock::time_point{} || now - last_logged >= std::chrono::seconds(10)) {
        last_logged = now;
        spdlog::warn("answered a gRPC call from {} RESOURCE_EXHAUSTED: its unfinished request held {} bytes, the most "
                     "of this thread's {} (--grpc-max-message-bytes x 4, 16 MiB at least), when a call of {} bytes "
                     "needed room (more such answers in the next 10 s are not logged)",
                     peer_.address.is_unspecified() ? std::string("-") : peer_.address.to_string(), counted_,
                     thread_request_bytes(), needed_by);
    }
    // fail() gives the bytes back before it answers; after it, this call may be released already.
    fail(RpcStatus::resource_exhausted, "the server holds too many request bytes, this call the most; try again");
}

void GrpcCall::give_back_if_done_reading() {
    // The message is read during dispatch, and later only by a method that holds the call (message()'s contract).
    // So an answer a client leaves unread (twenty whole 4 MiB Checks turned every other client away, D29-F1), or a
    // Watch that stays open for as long as its client likes (32,600 of 1 KiB did, D30-F1), keeps its stream open
    // but not its request's bytes in the thread's budget.
    if (holds_ == 0 && !dispatching_ && (answered_ || dispatched_)) give_back_request_bytes();
}

void GrpcCall::give_back_request_bytes() {
    // Only once the message is not read from body_ any more: the call is done, or never handed it to its method.
    receiving_calls().update(*this, 0);
    thread_request_bytes() -= counted_;
    counted_ = 0;
    message_ = {};
    if (body_.capacity() > kMaxKeptBody) text::release(body_);
    body_.clear();
}

void GrpcCall::release_if_done() {
    if (stream_open_ || holds_ > 0) return;
    deadline_.reset();
    give_back_request_bytes();
    if (counts_as_watch_) --open_watches();
    counts_as_watch_ = false;
    auto& calls = pool();
    if (calls.size() < kMaxPooled) calls.emplace_back(this);
    else delete this;
}

}  // namespace gh::doors::envoy_grpc
