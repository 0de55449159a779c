#pragma once
// nghttp2 allocates for every stream (its stream object, the frames it queues, the header blocks it copies) and
// frees it again when the stream ends. Through malloc that is a dozen allocations per gRPC call; through this
// allocator they come from size-class free lists of the calling thread, so a steady load allocates nothing.
// A session is only ever used on one thread, but it may be destroyed on another (at shutdown): a block freed
// there joins that thread's lists, which is harmless. Internal to http/.
#include <nghttp2/nghttp2.h>

namespace gh::http {

// The allocator to hand to nghttp2_session_server_new3; the same object for every session.
nghttp2_mem* h2_memory();

}  // namespace gh::http
