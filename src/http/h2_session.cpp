#include "http/h2_session.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include <spdlog/spdlog.h>

#include "http/h2_checked_buffers.hpp"
#include "http/h2_memory.hpp"
#include "http/h2_request_fields.hpp"
#include "text/release.hpp"

namespace gh::http {
namespace {

// The largest header block H2Responder sends: the gRPC answers have three or four fields.
constexpr std::size_t kMaxFields = 16;
// What a closed stream keeps of its answer buffer for the next one (H2Session::recycle): a Check's answer, with
// identity headers and a token, is under 2 KiB.
constexpr std::size_t kKeptAnswerBytes = 2 * 1024;
// Spare streams a connection keeps beyond its open ones (H2Session::trim_spares).
constexpr std::size_t kKeptSpareStreams = 16;

struct HeldFields {
    std::vector<std::pair<std::string, std::string>> fields;
    std::size_t count = 0;

    void hold(std::span<const H2Header> from) {
        count = std::min(from.size(), kMaxFields);
        if (fields.size() < count) fields.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            fields[i].first.assign(from[i].name);
            fields[i].second.assign(from[i].value);
        }
    }
};

}  // namespace

struct H2Session::Stream {
    H2Session* owner = nullptr;
    Stream* older = nullptr;  // in the thread's streams, oldest first (ThreadStreams)
    Stream* newer = nullptr;
    bool in_thread_list = false;
    bool evicted = false;  // reset to make room (H2Session::make_room_on_thread): nothing more is read or sent
    std::size_t out_counted = 0;  // of out's bytes, in ThreadStreams::answer_bytes
    std::int32_t id = 0;
    H2Call* call = nullptr;
    std::string out;  // answer bytes nghttp2 has not taken yet
    std::size_t out_taken = 0;
    // The answer's trailers, held here until the stream closes: nghttp2 is told not to copy them
    // (NGHTTP2_NV_FLAG_NO_COPY_*), and reads them when it packs their frame. Kept with their capacity.
    HeldFields trailers;
    bool finishing = false;     // finish() came: the trailers follow `out`
    bool deferred = false;      // nghttp2 waits for more of the answer (read_answer said so)
    bool request_done = false;  // the client ended its side
    bool refused = false;       // malformed: nothing more of the request reaches the call
    bool answered = false;      // the answer's last frame is queued
    Clock::time_point started;
    Clock::time_point unsent_since{};  // answer bytes (or the end) wait for nghttp2 since; zero when none do
    Stream* prev = nullptr;  // in the list of requests still arriving
    Stream* next = nullptr;
    bool incoming = false;
    bool attached = false;  // nghttp2 holds it as the stream's user data (stream() finds it)
    std::size_t live_index = 0;  // in live_list_
    std::size_t header_block_bytes = 0;  // of the header block being received (the request's, or trailers)
    std::size_t body_bytes = 0;  // of the request's body, handed to the call (H2Limits::max_buffered_body_bytes)
    RequestFields fields;  // the request's header block so far, checked as it arrives
};

namespace {

// This I/O thread's open streams, oldest first, and the answer bytes they hold that the client has not taken
// (H2Limits::max_thread_streams, max_thread_answer_bytes). A session lives and dies on its connection's thread.
struct ThreadStreams {
    std::size_t streams = 0;
    std::size_t answer_bytes = 0;
    H2Session::Stream* oldest = nullptr;
    H2Session::Stream* newest = nullptr;
};
ThreadStreams& thread_streams() {
    thread_local ThreadStreams streams;
    return streams;
}

struct NameValues {
    std::array<nghttp2_nv, kMaxFields> nv;  // only the first `size` are set, and read (not zeroed: 640 bytes a call)
    std::size_t size = 0;
};

NameValues name_values(std::span<const H2Header> fields) {
    NameValues out;
    for (const auto& f : fields) {
        if (out.size == kMaxFields) break;
        // nghttp2 copies names and values when the frame is submitted, so views are enough here.
        out.nv[out.size++] = nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.name.data())),
                                        reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.value.data())),
                                        f.name.size(), f.value.size(), NGHTTP2_NV_FLAG_NONE};
    }
    return out;
}

// Fields that stay valid until the stream closes: nghttp2 need not copy them (a third of submitting a frame).
constexpr std::uint8_t kNotCopied = NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE;
NameValues lasting_name_values(std::span<const H2Header> fields) {
    auto out = name_values(fields);
    for (std::size_t i = 0; i < out.size; ++i) out.nv[i].flags = kNotCopied;
    return out;
}
NameValues name_values(const HeldFields& held) {
    NameValues out;
    for (std::size_t i = 0; i < held.count; ++i) {
        const auto& [name, value] = held.fields[i];
        out.nv[out.size++] = nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                                        reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())),
                                        name.size(), value.size(), kNotCopied};
    }
    return out;
}

nghttp2_session_callbacks* callbacks_with(auto set) {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    set(cbs);
    return cbs;
}

}  // namespace

class H2Session::Entered {
public:
    explicit Entered(H2Session& session) : session_(session) { ++session_.entered_; }
    ~Entered() {
        if (--session_.entered_ == 0) session_.trim_spares();
    }
    Entered(const Entered&) = delete;
    Entered& operator=(const Entered&) = delete;

private:
    H2Session& session_;
};

H2Session::H2Session(H2Handler& handler, const H2Limits& limits, H2Peer peer)
    : handler_(handler), limits_(limits), peer_(std::move(peer)) {}

H2Session::~H2Session() {
    // nghttp2_session_del calls no callback: the calls still open are told here that their stream is gone. Their
    // streams are owned here until recycled (new_stream released them from spare_): deleted with their buffers.
    for (Stream* s : live_list_) {
        leave_thread(*s);
        s->call->closed();
        delete s;
    }
    live_list_.clear();
    if (session_) nghttp2_session_del(session_);
}

bool H2Session::start() {
    // Built once: nghttp2 copies the callbacks into each session.
    static nghttp2_session_callbacks* const callbacks = callbacks_with([](nghttp2_session_callbacks* c) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(c, on_begin_headers);
        nghttp2_session_callbacks_set_on_header_callback2(c, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(c, on_data_chunk);
        nghttp2_session_callbacks_set_on_frame_recv_callback(c, on_frame_recv);
        nghttp2_session_callbacks_set_on_frame_send_callback(c, on_frame_send);
        nghttp2_session_callbacks_set_on_stream_close_callback(c, on_stream_close);
    });
    nghttp2_option* option = nullptr;
    if (nghttp2_option_new(&option) != 0) return false;
    // Closed streams are not kept for priority bookkeeping: memory per connection stays flat.
    nghttp2_option_set_no_closed_streams(option, 1);
    // The request's fields are checked here (RequestFields), more strictly than nghttp2 would and for half its cost.
    nghttp2_option_set_no_http_messaging(option, 1);
    // A header list past --max-header-bytes is answered RESOURCE_EXHAUSTED, not the connection ended (D28-F3):
    // nghttp2's default of 8 CONTINUATION frames (16 KiB each) is below what a proxy forwards of a client's large
    // list (Caddy: 14 for 300 KB). Past the size only counting costs anything, and --header-read-timeout bounds a
    // block that never ends; this bound (2 MiB of frames) only ends a client that sends more than any list needs.
    nghttp2_option_set_max_continuations(option, 128);
    const int created = nghttp2_session_server_new3(&session_, callbacks, this, option, h2_memory());
    nghttp2_option_del(option);
    if (created != 0) return false;
    // RFC 7540's priority tree is not kept (RFC 9218's SETTINGS_NO_RFC7540_PRIORITIES; PRIORITY frames and the
    // priority of HEADERS are read and ignored): gRPC clients do not use it, it cost ~90 instructions a Check, and
    // reshaping the tree was a way to spend a server's CPU (CVE-2019-9513).
    const std::array<nghttp2_settings_entry, 3> settings{{
        {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_concurrent_streams},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, limits_.max_header_list_bytes},
    }};
    return nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size()) == 0;
}

bool H2Session::receive(const std::uint8_t* data, std::size_t size) {
    const Entered entered(*this);
    in_receive_ = true;
    const ssize_t used = nghttp2_session_mem_recv(session_, data, size);
    in_receive_ = false;
    checked_buffers().release();
    if (used < 0) {
        problem_ = used == NGHTTP2_ERR_BAD_CLIENT_MAGIC ? "not an HTTP/2 client preface" : nghttp2_strerror(static_cast<int>(used));
        return false;
    }
    return !refused_;
}

bool H2Session::take_output(std::string& out, std::size_t limit) {
    const Entered entered(*this);
    while (out.size() < limit) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n <= 0) return true;
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    return false;
}

bool H2Session::finished() const {
    // The common answer (the client may still send) first: it needs no look at nghttp2's output queues.
    if (nghttp2_session_want_read(session_) != 0 && !(going_away_ && live_ == 0)) return false;
    return nghttp2_session_want_write(session_) == 0;
}

void H2Session::go_away_gracefully() {
    if (going_away_) return;
    const Entered entered(*this);
    going_away_ = true;
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                          NGHTTP2_NO_ERROR, nullptr, 0);
    // A call may end itself (and its stream) here: walk a copy of the list.
    draining_calls_.assign(live_list_.begin(), live_list_.end());
    for (Stream* s : draining_calls_)
        if (s->call) s->call->draining();
    notify();
}

void H2Session::go_away_now(std::uint32_t error) {
    const Entered entered(*this);
    going_away_ = true;
    nghttp2_session_terminate_session(session_, error);
    notify();
}

std::optional<H2Session::Clock::time_point> H2Session::oldest_incoming() const {
    if (!incoming_head_) return std::nullopt;
    return incoming_head_->started;
}

std::optional<H2Session::Clock::time_point> H2Session::oldest_unsent() const {
    std::optional<Clock::time_point> oldest;
    for (const Stream* s : live_list_)
        if (s->unsent_since != Clock::time_point{} && (!oldest || s->unsent_since < *oldest)) oldest = s->unsent_since;
    return oldest;
}

H2Session::Stream* H2Session::stream(std::int32_t id) const {
    // A Check's callbacks and answer look its stream up eight times. With few streams open (Envoy's shape, one to a
    // few calls in flight per connection) a scan of the live list finds it in a few instructions and cache lines
    // already warm; nghttp2's hash map costs ~90 instructions a lookup.
    constexpr std::size_t kScanned = 8;
    if (live_list_.size() <= kScanned) {
        for (Stream* s : live_list_)
            if (s->id == id) return s->attached ? s : nullptr;
        return nullptr;
    }
    return session_ ? static_cast<Stream*>(nghttp2_session_get_stream_user_data(session_, id)) : nullptr;
}

H2Session::Stream* H2Session::new_stream(std::int32_t id) {
    std::unique_ptr<Stream> s;
    if (spare_.empty()) {
        s = std::make_unique<Stream>();
    } else {
        s = std::move(spare_.back());
        spare_.pop_back();
    }
    Stream* raw = s.release();
    raw->id = id;
    raw->started = Clock::now();
    raw->header_block_bytes = 0;
    raw->fields = {};
    raw->live_index = live_list_.size();
    live_list_.push_back(raw);
    ++live_;
    raw->owner = this;
    auto& thread = thread_streams();
    raw->older = thread.newest;
    raw->newer = nullptr;
    (thread.newest ? thread.newest->newer : thread.oldest) = raw;
    thread.newest = raw;
    raw->in_thread_list = true;
    ++thread.streams;
    return raw;
}

void H2Session::recycle(Stream* s) {
    if (headers_of_ == s) headers_of_ = nullptr;
    unlink_incoming(*s);
    // Swap-remove from the live list.
    Stream* last = live_list_.back();
    live_list_[s->live_index] = last;
    last->live_index = s->live_index;
    live_list_.pop_back();
    leave_thread(*s);
    s->evicted = false;
    if (--live_ == 0) idle_since_ = Clock::now();
    buffered_body_bytes_ -= s->body_bytes;
    s->body_bytes = 0;
    s->call = nullptr;
    s->attached = false;
    // Only a usual answer's buffer is kept (a Check's is a few hundred bytes): a connection that once had 100 denials
    // of 24 KB in flight kept 2.4 MB for as long as it stayed open (D32-F1).
    if (s->out.capacity() > kKeptAnswerBytes) text::release(s->out);
    s->out.clear();
    s->out_taken = 0;
    s->trailers.count = 0;
    s->finishing = s->deferred = s->request_done = s->refused = s->answered = false;
    s->unsent_since = {};
    // Kept for now: a stream closed while its answer is being sent (outside a read, output goes at once) is still
    // read by the code that sent it (trim_spares deletes the extra ones later).
    spare_.emplace_back(s);
}

void H2Session::trim_spares() {
    // A steady load reuses its streams and allocates none, but a connection that once had many streams open kept one
    // spare for each, with what its allocations left behind: 60 idle connections that had had 100 denials of 24 KB
    // in flight each held ~150 MB (D32-F1). Spares beyond the open streams' number (at least 16) are deleted, here
    // only: when the outermost call into the session returns (Entered), none of them is used up the stack.
    const std::size_t keep = std::max(kKeptSpareStreams, live_);
    while (spare_.size() > keep) spare_.pop_back();
}

void H2Session::leave_thread(Stream& s) {
    auto& thread = thread_streams();
    thread.answer_bytes -= s.out_counted;
    s.out_counted = 0;
    if (!s.in_thread_list) return;
    (s.older ? s.older->newer : thread.oldest) = s.newer;
    (s.newer ? s.newer->older : thread.newest) = s.older;
    s.older = s.newer = nullptr;
    s.in_thread_list = false;
    --thread.streams;
}

void H2Session::count_answer_bytes(Stream& s) {
    auto& thread = thread_streams();
    const std::size_t now = s.out.size() - s.out_taken;
    thread.answer_bytes = thread.answer_bytes - s.out_counted + now;
    s.out_counted = now;
}

bool H2Session::make_room_on_thread(Stream& s) {
    // Each open stream holds memory (~1.4 KiB with its call, and its answer until the client takes it) for as long as
    // its client keeps it: a Watch, an answer left unread, a request never finished (D30-F2, D31-F2). Past either of
    // the thread's limits the OLDEST stream gives way, whatever its connection: the streams an attacker keeps are old
    // by nature, a Check is answered in a millisecond. A share per connection instead let many idle connections
    // shrink the share of a proxy's busy one, whose clients were then refused (D31-F1). Legitimate loads stay far
    // below both limits, which only abuse reaches.
    auto& thread = thread_streams();
    while ((thread.streams > limits_.max_thread_streams || thread.answer_bytes > limits_.max_thread_answer_bytes) &&
           thread.oldest && thread.oldest != &s)
        thread.oldest->owner->evict(*thread.oldest);
    if (thread.answer_bytes <= limits_.max_thread_answer_bytes || s.out_counted == 0) return false;
    evict(s);  // outside a read its reset goes at once: `s` is not read after this
    return true;
}

void H2Session::evict(Stream& s) {
    const auto& thread = thread_streams();
    if (may_log_refusal())
        spdlog::warn("reset stream {} of a {} connection from {}: the oldest of this thread's {} streams, which hold {} "
                     "answer bytes not yet taken (at most {} streams and {} bytes), when a newer one needed room",
                     s.id, handler_.protocol_name(), peer_text(), thread.streams, thread.answer_bytes,
                     limits_.max_thread_streams, limits_.max_thread_answer_bytes);
    leave_thread(s);
    s.evicted = true;
    if (s.out.capacity() > 64 * 1024) text::release(s.out);
    s.out.clear();
    s.out_taken = 0;
    s.request_done = true;
    stop_counting_body(s);
    unlink_incoming(s);
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_ENHANCE_YOUR_CALM);
    notify();
}

void H2Session::unlink_incoming(Stream& s) {
    if (!s.incoming) return;
    (s.prev ? s.prev->next : incoming_head_) = s.next;
    (s.next ? s.next->prev : incoming_tail_) = s.prev;
    s.prev = s.next = nullptr;
    s.incoming = false;
}

void H2Session::request_ended(Stream& s) {
    if (s.request_done) return;
    s.request_done = true;
    stop_counting_body(s);
    unlink_incoming(s);
    s.call->end_of_request();
}

void H2Session::stop_counting_body(Stream& s) {
    // The connection's budget is for requests still arriving. A whole one is its call's from here (the gRPC door
    // counts it in its thread's budget until answered); a refused one reaches its call no more. Either way its
    // stream may stay open long after (an answer left unread, D29-F1), and its bytes are no longer this budget's.
    buffered_body_bytes_ -= s.body_bytes;
    s.body_bytes = 0;
}

bool H2Session::ping_received() {
    // Pings that came in the same read as the one refused: the GOAWAY is queued already, once is enough.
    if (refused_) return false;
    const auto now = Clock::now();
    if (last_ping_ != Clock::time_point{} && now - last_ping_ < limits_.min_ping_interval) ++ping_strikes_;
    last_ping_ = now;
    if (ping_strikes_ <= limits_.max_ping_strikes) return true;
    static constexpr std::string_view kDebug = "too_many_pings";
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                          NGHTTP2_ENHANCE_YOUR_CALM, reinterpret_cast<const std::uint8_t*>(kDebug.data()),
                          kDebug.size());
    problem_ = "keepalive pings more often than the server allows (GOAWAY too_many_pings)";
    refused_ = going_away_ = true;
    return false;
}

void H2Session::notify() {
    if (!in_receive_) output_ready();
}

// --- nghttp2's callbacks

int H2Session::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto& self = *static_cast<H2Session*>(user);
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
        // Trailers: counted as a block of their own. They end the request (RFC 9113 §8.1).
        Stream* s = self.stream(frame->hd.stream_id);
        if (!s) return 0;
        s->header_block_bytes = 0;
        if (!(frame->hd.flags & NGHTTP2_FLAG_END_STREAM) && !s->request_done && !s->refused)
            self.refuse_malformed(*s, "trailers that do not end the stream");
        return 0;
    }
    Stream* s = self.new_stream(frame->hd.stream_id);
    s->incoming = true;
    s->prev = self.incoming_tail_;
    (self.incoming_tail_ ? self.incoming_tail_->next : self.incoming_head_) = s;
    self.incoming_tail_ = s;
    s->call = self.handler_.open_call(H2Responder(&self, s->id), self.peer_);
    nghttp2_session_set_stream_user_data(self.session_, s->id, s);
    s->attached = true;
    // A header block is never interleaved with another (RFC 9113 §6.10): its fields all belong to this stream.
    self.headers_of_ = s;
    if (thread_streams().streams > self.limits_.max_thread_streams) self.make_room_on_thread(*s);
    return 0;
}

int H2Session::on_header(nghttp2_session*, const nghttp2_frame* frame, nghttp2_rcbuf* name_buf,
                         nghttp2_rcbuf* value_buf, std::uint8_t, void* user) {
    auto& self = *static_cast<H2Session*>(user);
    const nghttp2_vec name_vec = nghttp2_rcbuf_get_buf(name_buf), value_vec = nghttp2_rcbuf_get_buf(value_buf);
    const std::uint8_t *name = name_vec.base, *value = value_vec.base;
    const std::size_t namelen = name_vec.len, valuelen = value_vec.len;
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    Stream* s = self.headers_of_ && self.headers_of_->id == frame->hd.stream_id ? self.headers_of_ : self.stream(frame->hd.stream_id);
    if (!s) return 0;
    // A header list past the size the server announced is read on, but only counted: HPACK lets a 1-byte reference
    // repeat a 4 KB field of the dynamic table, so checking it all could cost the server gigabytes of scanning. The
    // field that passed the size was handed over, and the handler answers for itself (gRPC: RESOURCE_EXHAUSTED):
    // a reset instead had nginx's grpc_pass count the server as failed (D27-F1).
    const std::size_t before = s->header_block_bytes;
    s->header_block_bytes += namelen + valuelen + 32;  // RFC 9113 §6.5.2's size of a field
    if (s->request_done || s->refused || before > self.limits_.max_header_list_bytes) return 0;
    const std::string_view n(reinterpret_cast<const char*>(name), namelen);
    const std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    std::string why;
    auto& buffers = checked_buffers();
    // Only the request's own header block reaches the call: fields of a trailer block would arrive after the call
    // was judged. They are checked all the same.
    const bool request = frame->headers.cat == NGHTTP2_HCAT_REQUEST;
    if (request && !n.empty() && n.front() == ':') {
        const int pseudo = pseudo_header_index(n);
        if (!s->fields.add_pseudo(pseudo, n, v, why, buffers.found_pseudo_value(pseudo, value_buf))) {
            if (s->fields.refused_part() == RefusedPart::value) buffers.remember_pseudo_value(pseudo, value_buf, valuelen, false);
            self.refuse_malformed(*s, why);
            return 0;
        }
        buffers.remember_pseudo_value(pseudo, value_buf, valuelen, true);
        s->call->header(n, v);
        return 0;
    }
    const RequestFields::Checked checked{buffers.found(name_buf, RefusedPart::name),
                                         buffers.found(value_buf, RefusedPart::value)};
    RefusedPart refused = RefusedPart::none;
    if (request ? !s->fields.add(n, v, why, checked) : !trailer_field_ok(n, v, why, checked, &refused)) {
        if (request) refused = s->fields.refused_part();
        buffers.remember_failed(refused, refused == RefusedPart::name ? name_buf : value_buf,
                                refused == RefusedPart::name ? namelen : valuelen);
        self.refuse_malformed(*s, why);
        return 0;
    }
    if (request) s->call->header(n, v);
    buffers.remember(name_buf, namelen);
    buffers.remember(value_buf, valuelen);
    return 0;
}

int H2Session::on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                             std::size_t len, void* user) {
    auto& self = *static_cast<H2Session*>(user);
    Stream* s = self.stream(id);
    if (!s || s->request_done || s->refused) return 0;
    if (const auto declared = s->fields.content_length(); declared && s->body_bytes + len > *declared) {
        self.refuse_malformed(*s, "a body longer than its content-length");
        return 0;
    }
    if (self.buffered_body_bytes_ + len > self.limits_.max_buffered_body_bytes && !self.make_room(*s, len)) {
        self.refuse_body(*s);
        return 0;
    }
    s->body_bytes += len;
    self.buffered_body_bytes_ += len;
    s->call->data({reinterpret_cast<const char*>(data), len});
    return 0;
}

void H2Session::stop_request(Stream& s, void (*answer)(H2Call&, std::string_view), std::string_view why) {
    // Nothing more reaches the call, which answers; once that answer is sent, a client still sending is told to stop
    // (RST_STREAM NO_ERROR, on_frame_send). A call that cannot answer any more (it had begun its answer) leaves the
    // stream to a reset.
    s.refused = true;
    stop_counting_body(s);
    unlink_incoming(s);
    answer(*s.call, why);
    if (!s.answered && !s.finishing)
        nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_PROTOCOL_ERROR);
    notify();
}

bool H2Session::may_log_refusal() {
    // A token bucket per connection: 16 lines at once, then one a second. A client sending malformed streams of a
    // few bytes each would otherwise cost the server a log line (and a write) per stream: 20x a Check's CPU per byte
    // received (D29-F3). What is not logged is counted, and told in the next line.
    const auto now = Clock::now();
    constexpr std::uint32_t kBurst = 16;
    if (refusal_tokens_ < kBurst) {
        const auto refill = std::chrono::duration_cast<std::chrono::seconds>(now - refusal_refill_).count();
        if (refill > 0) {
            refusal_tokens_ = static_cast<std::uint32_t>(std::min<long long>(kBurst, refusal_tokens_ + refill));
            refusal_refill_ = now;
        }
    } else {
        refusal_refill_ = now;
    }
    if (refusal_tokens_ == 0) {
        ++refusals_not_logged_;
        return false;
    }
    --refusal_tokens_;
    return true;
}

void H2Session::refuse_malformed(Stream& s, std::string_view why) {
    if (may_log_refusal()) {
        spdlog::info("refused stream {} of a {} connection from {}: a malformed request ({}){}", s.id,
                     handler_.protocol_name(), peer_text(), why,
                     refusals_not_logged_ == 0
                         ? std::string()
                         : fmt::format(" ({} more refused before it on this connection were not logged)",
                                       std::exchange(refusals_not_logged_, 0)));
    }
    stop_request(s, [](H2Call& call, std::string_view reason) { call.malformed(reason); }, why);
}

std::size_t H2Session::answer_late_requests(Clock::time_point cutoff) {
    const Entered entered(*this);
    std::size_t answered = 0;
    while (incoming_head_ && incoming_head_->started <= cutoff) {
        stop_request(*incoming_head_, [](H2Call& call, std::string_view) { call.not_arrived_in_time(); }, {});
        ++answered;
    }
    return answered;
}

bool H2Session::make_room(Stream& s, std::size_t len) {
    // The body budget is the connection's, and a proxy (Caddy's reverse_proxy h2c://) carries many clients' calls on
    // one connection: refusing whichever stream's chunk finds it full would let one client's large unfinished bodies
    // turn every other client away (D25-F4). The stream holding the most gives way instead, while it holds more than
    // `s` would: a Check of a few KiB is served, and a client holding megabytes loses its own calls first. Only
    // requests still arriving are let go: a whole one is its call's (being answered). At most
    // --grpc-max-concurrent-streams streams are looked at, and only when the budget is full.
    while (buffered_body_bytes_ + len > limits_.max_buffered_body_bytes) {
        Stream* largest = nullptr;
        for (Stream* t = incoming_head_; t; t = t->next)
            if (t != &s && !t->refused && (!largest || t->body_bytes > largest->body_bytes)) largest = t;
        if (!largest || largest->body_bytes <= s.body_bytes + len) return false;
        const std::size_t held = largest->body_bytes;
        log_body_refusal(*largest, fmt::format("it held the most request-body bytes ({}) when stream {} needed room",
                                               held, s.id));
        reset_body(*largest);
    }
    return true;
}

void H2Session::refuse_body(Stream& s) {
    log_body_refusal(s, "no other request held more than it would");
    reset_body(s);
}

void H2Session::reset_body(Stream& s) {
    // The stream's request is over for this side: nothing more reaches the call, which is told closed() once the
    // reset is sent.
    s.request_done = true;
    stop_counting_body(s);
    unlink_incoming(s);
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_ENHANCE_YOUR_CALM);
    notify();
}

void H2Session::log_body_refusal(const Stream& s, std::string_view why) {
    if (body_refusal_logged_) return;
    body_refusal_logged_ = true;  // once per connection: a client that keeps sending would flood the log
    spdlog::warn("reset stream {} of a {} connection from {}: its streams' request bodies would hold more than {} "
                 "bytes, and {} (the rest of the connection's refusals are not logged)",
                 s.id, handler_.protocol_name(), peer_text(), limits_.max_buffered_body_bytes, why);
}

int H2Session::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto& self = *static_cast<H2Session*>(user);
    self.received_anything_ = true;
    switch (frame->hd.type) {
        case NGHTTP2_HEADERS:
        case NGHTTP2_DATA: {
            self.ping_strikes_ = 0;
            Stream* s = self.stream(frame->hd.stream_id);
            if (!s || s->request_done) break;
            if (s->refused) {
                // A refused request's end: its answer is queued or sent, and no reset need follow it.
                if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) s->request_done = true;
                break;
            }
            std::string why;
            if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST &&
                !s->fields.complete(why)) {
                self.refuse_malformed(*s, why);
                break;
            }
            if (!(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) break;
            if (const auto declared = s->fields.content_length(); declared && s->body_bytes != *declared) {
                self.refuse_malformed(*s, "a body shorter than its content-length");
                break;
            }
            self.request_ended(*s);
            break;
        }
        case NGHTTP2_PING:
            if (!(frame->hd.flags & NGHTTP2_FLAG_ACK)) self.ping_received();
            break;
        default:
            break;
    }
    return 0;
}

int H2Session::on_frame_send(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    auto& self = *static_cast<H2Session*>(user);
    // A GOAWAY with an error this class did not ask for: nghttp2 found the client breaking HTTP/2 (a frame on the
    // wrong stream, too large, undecodable HPACK …). Its debug data says what, when nghttp2 gave any.
    if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR && !self.refused_ &&
        self.problem_.empty()) {
        self.goaway_problem_ = "HTTP/2 protocol error, sent GOAWAY ";
        self.goaway_problem_ += nghttp2_http2_strerror(frame->goaway.error_code);
        if (frame->goaway.opaque_data_len > 0) {
            self.goaway_problem_ += " (";
            self.goaway_problem_.append(reinterpret_cast<const char*>(frame->goaway.opaque_data),
                                        frame->goaway.opaque_data_len);
            self.goaway_problem_ += ')';
        }
        self.problem_ = self.goaway_problem_;
    }
    // The answer is complete before the request (refused early, say): the client is told to stop sending
    // (RFC 9113 §8.1), rather than its upload being read and dropped.
    if (frame->hd.type == NGHTTP2_HEADERS && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
        if (Stream* s = self.stream(frame->hd.stream_id); s && !s->request_done)
            nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, s->id, NGHTTP2_NO_ERROR);
    return 0;
}

int H2Session::on_stream_close(nghttp2_session* session, std::int32_t id, std::uint32_t, void* user) {
    auto& self = *static_cast<H2Session*>(user);
    Stream* s = self.stream(id);
    if (!s) return 0;
    nghttp2_session_set_stream_user_data(session, id, nullptr);
    H2Call* call = s->call;
    self.recycle(s);
    call->closed();
    return 0;
}

ssize_t H2Session::read_answer(nghttp2_session* session, std::int32_t id, std::uint8_t* buf, std::size_t length,
                               std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& s = *static_cast<Stream*>(source->ptr);
    const std::size_t n = std::min(length, s.out.size() - s.out_taken);
    std::memcpy(buf, s.out.data() + s.out_taken, n);
    s.out_taken += n;
    s.owner->count_answer_bytes(s);
    if (s.out_taken < s.out.size()) {
        // The wait for the answer to be taken goes on from when its bytes first waited: a client that opens its
        // window a byte at a time would otherwise hold the stream past --idle-timeout for good (D29-F2).
        return static_cast<ssize_t>(n);
    }
    s.out.clear();
    s.out_taken = 0;
    s.owner->count_answer_bytes(s);
    s.unsent_since = {};
    if (!s.finishing) {
        if (n > 0) return static_cast<ssize_t>(n);
        s.deferred = true;
        return NGHTTP2_ERR_DEFERRED;
    }
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    if (s.trailers.count > 0) {
        // The trailers end the stream instead of this DATA frame (gRPC's status travels in them).
        *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        const auto nv = name_values(s.trailers);
        nghttp2_submit_trailer(session, id, nv.nv.data(), nv.size);
    }
    s.answered = true;
    return static_cast<ssize_t>(n);
}

// --- H2Responder

void H2Session::respond_headers(std::int32_t id, std::span<const H2Header> fields) {
    const Entered entered(*this);
    Stream* s = stream(id);
    if (!s || s->answered || s->evicted) return;
    const auto nv = lasting_name_values(fields);  // H2Responder::headers' contract
    nghttp2_data_provider provider{};
    provider.source.ptr = s;
    provider.read_callback = read_answer;
    nghttp2_submit_response(session_, id, nv.nv.data(), nv.size, &provider);
    notify();
}

void H2Session::respond_data(std::int32_t id, std::string_view head, std::string_view rest) {
    const Entered entered(*this);
    Stream* s = stream(id);
    if (!s || s->answered || s->finishing || s->evicted) return;
    s->out.append(head);
    s->out.append(rest);
    count_answer_bytes(*s);
    if (thread_streams().answer_bytes > limits_.max_thread_answer_bytes && make_room_on_thread(*s)) return;
    if (s->unsent_since == Clock::time_point{}) s->unsent_since = Clock::now();
    if (s->deferred) {
        s->deferred = false;
        nghttp2_session_resume_data(session_, id);
    }
    notify();
}

void H2Session::respond_finish(std::int32_t id, std::span<const H2Header> trailers) {
    const Entered entered(*this);
    Stream* s = stream(id);
    if (!s || s->answered || s->finishing || s->evicted) return;
    s->trailers.hold(trailers);
    s->finishing = true;
    if (s->unsent_since == Clock::time_point{}) s->unsent_since = Clock::now();
    if (s->deferred) {
        s->deferred = false;
        nghttp2_session_resume_data(session_, id);
    }
    notify();
}

void H2Session::respond_trailers_only(std::int32_t id, std::span<const H2Header> fields) {
    const Entered entered(*this);
    Stream* s = stream(id);
    if (!s || s->answered || s->evicted) return;
    const auto nv = name_values(fields);
    nghttp2_submit_response(session_, id, nv.nv.data(), nv.size, nullptr);
    s->answered = true;
    notify();
}

void H2Responder::headers(std::span<const H2Header> fields) const {
    if (session_) session_->respond_headers(stream_id_, fields);
}
void H2Responder::write(std::string_view head, std::string_view rest) const {
    if (session_) session_->respond_data(stream_id_, head, rest);
}
void H2Responder::finish(std::span<const H2Header> trailers) const {
    if (session_) session_->respond_finish(stream_id_, trailers);
}
void H2Responder::trailers_only(std::span<const H2Header> fields) const {
    if (session_) session_->respond_trailers_only(stream_id_, fields);
}

}  // namespace gh::http
