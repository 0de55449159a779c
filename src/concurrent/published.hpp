#pragma once
// A value published rarely (discovery, a JWKS refetch, a reloaded file) and read on every request.
//
// Written by hand because neither choice in the standard library fits: std::atomic<std::shared_ptr> in
// libstdc++ 12 is a spin lock whose load() unlocks with relaxed ordering, so a reader's access does not
// happen-before the next writer's (ThreadSanitizer reports it, and the memory model agrees); and a mutex on
// every read would put a lock on the hot path. Here a mutex guards the rare writes and the rare refreshes of
// a per-thread cache; the steady-state read is one acquire load of a generation counter.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace gh::concurrent {

template <class T>
class Published {
public:
    Published() : id_(next_id()) {}
    Published(const Published&) = delete;
    Published& operator=(const Published&) = delete;

    void publish(std::shared_ptr<const T> value) {
        std::lock_guard lock(mutex_);
        value_ = std::move(value);
        generation_.fetch_add(1, std::memory_order_release);
    }

    // The current value (empty before the first publish). Takes the lock: not for the request path.
    std::shared_ptr<const T> load() const {
        std::lock_guard lock(mutex_);
        return value_;
    }

    // True once something was published; lock-free.
    bool published() const { return generation_.load(std::memory_order_acquire) != 0; }

    // The current value through this thread's cache: lock-free while nothing new was published. The pointer
    // stays valid until this thread's next call on any Published<T>; nullptr before the first publish.
    const T* for_this_thread() const {
        struct Cache {
            std::uint64_t owner = 0;
            std::uint64_t generation = 0;
            std::shared_ptr<const T> value;
        };
        thread_local Cache cache;
        const std::uint64_t g = generation_.load(std::memory_order_acquire);
        if (cache.owner != id_ || cache.generation != g) {
            std::lock_guard lock(mutex_);
            cache = {id_, generation_.load(std::memory_order_relaxed), value_};
        }
        return cache.value.get();
    }

    // How many values were published.
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

private:
    // Identifies the cell in the per-thread caches; an address could be reused by a later cell.
    static std::uint64_t next_id() {
        static std::atomic<std::uint64_t> counter{0};
        return counter.fetch_add(1, std::memory_order_relaxed) + 1;
    }

    const std::uint64_t id_;
    mutable std::mutex mutex_;
    std::shared_ptr<const T> value_;
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace gh::concurrent
