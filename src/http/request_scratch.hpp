#pragma once
// The memory a connection needs only while it reads and answers a request: the read buffer, the output buffer
// and the arena for the header fields (13 KB together). A worker lends them out from a pool of its own, so an
// idle keep-alive connection holds none of it: with 10,000 idle connections that is the difference between
// ~130 MB and a few MB. Internal to http/.
#include <array>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstddef>
#include <memory>
#include <memory_resource>
#include <string>
#include <vector>

#include "text/release.hpp"

namespace gh::http {

struct RequestScratch {
    explicit RequestScratch(std::size_t max_buffer) : buffer(max_buffer) { out.reserve(1024); }
    RequestScratch(const RequestScratch&) = delete;
    RequestScratch& operator=(const RequestScratch&) = delete;

    // Bounded: the parser never lets it grow past the header limit plus one read.
    boost::beast::flat_buffer buffer;
    std::string out;
    // Header fields of one request, rewound before the next. 8 KB covers the usual header block; a larger one
    // spills to the heap and is released at the rewind.
    std::array<std::byte, 8192> arena_storage;
    std::pmr::monotonic_buffer_resource arena{arena_storage.data(), arena_storage.size()};
};

// One per worker and used only on its thread, so it needs no lock. Keeps up to `max_free` returned scratches
// for the next requests (the steady state allocates nothing) and frees the rest, so a burst of concurrent
// requests does not stay resident.
class ScratchPool {
public:
    ScratchPool(std::size_t max_buffer, std::size_t max_free, std::size_t max_waiting = 0)
        : max_buffer_(max_buffer), max_free_(max_free), max_waiting_(max_waiting) {}
    ScratchPool(const ScratchPool&) = delete;
    ScratchPool& operator=(const ScratchPool&) = delete;

    // Holds one scratch until it is given back (or the lease ends).
    class Lease {
    public:
        Lease() = default;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { give_back(); }

        void take(ScratchPool& pool) {
            give_back();
            pool_ = &pool;
            scratch_ = pool.take();
        }
        bool held() const { return scratch_ != nullptr; }
        RequestScratch& operator*() const { return *scratch_; }
        RequestScratch* operator->() const { return scratch_.get(); }
        void give_back() {
            if (scratch_) pool_->put(std::move(scratch_));
        }

    private:
        ScratchPool* pool_ = nullptr;
        std::unique_ptr<RequestScratch> scratch_;
    };

    std::size_t free_count() const { return free_.size(); }

    // A connection waiting for its next request with its scratch, while alive; false (and nothing held) when
    // `max_waiting` connections of this worker already do. Waiting with a buffer lets the reactor read the
    // request the moment it reports it; the bound keeps thousands of idle keep-alive connections from holding
    // a scratch each.
    class WaitingSlot {
    public:
        explicit WaitingSlot(ScratchPool& pool) : pool_(pool.waiting_ < pool.max_waiting_ ? &pool : nullptr) {
            if (pool_) ++pool_->waiting_;
        }
        ~WaitingSlot() {
            if (pool_) --pool_->waiting_;
        }
        WaitingSlot(const WaitingSlot&) = delete;
        WaitingSlot& operator=(const WaitingSlot&) = delete;
        explicit operator bool() const { return pool_ != nullptr; }

    private:
        ScratchPool* pool_;
    };

private:
    std::unique_ptr<RequestScratch> take() {
        if (free_.empty()) return std::make_unique<RequestScratch>(max_buffer_);
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
    }
    void put(std::unique_ptr<RequestScratch> s) {
        if (free_.size() >= max_free_) return;  // freed here
        // A header that spilled past the arena leaves heap blocks; a long answer leaves a big output buffer.
        s->arena.release();
        s->buffer.clear();
        if (s->out.capacity() > 16384) text::release(s->out);
        s->out.clear();
        free_.push_back(std::move(s));
    }

    std::size_t max_buffer_;
    std::size_t max_free_;
    std::size_t max_waiting_;
    std::size_t waiting_ = 0;
    std::vector<std::unique_ptr<RequestScratch>> free_;
};

}  // namespace gh::http
