// Size-class free lists for nghttp2 (h2_memory.hpp says why). Written by hand: what is needed is a malloc/free/
// realloc quadruple over per-thread lists of a few sizes, which no Debian library offers in this shape
// (Boost.Pool's pools have one size each and no realloc).
#include "http/h2_memory.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace gh::http {
namespace {

// Every block starts with a header naming its class, padded to malloc's alignment.
struct alignas(alignof(std::max_align_t)) BlockHeader {
    std::uint32_t size_class;
};
constexpr std::size_t kHeader = sizeof(BlockHeader);
constexpr std::uint32_t kLarge = 0xffffffff;  // not from a list: freed to malloc
constexpr std::size_t kSmallest = 32;
constexpr std::size_t kClasses = 10;  // 32 B … 16 KiB
// Each list keeps at most this many bytes of free blocks, so a burst does not stay resident.
constexpr std::size_t kKeptBytesPerClass = 512 * 1024;

constexpr std::size_t class_size(std::uint32_t c) { return kSmallest << c; }

// The smallest class that holds `size`: 32 << c >= size.
std::uint32_t class_of(std::size_t size) {
    if (size <= kSmallest) return 0;
    const auto c = static_cast<std::uint32_t>(std::bit_width(size - 1)) - 5;  // bit_width(31) = 5: class 0
    return c < kClasses ? c : kLarge;
}

struct FreeBlock {
    FreeBlock* next;
};

class FreeLists {
public:
    ~FreeLists() {
        for (auto*& head : heads_)
            while (head) std::free(reinterpret_cast<BlockHeader*>(std::exchange(head, head->next)) - 1);
    }
    void* take(std::uint32_t c) {
        FreeBlock* b = heads_[c];
        if (!b) return nullptr;
        heads_[c] = b->next;
        --counts_[c];
        return b;
    }
    bool keep(std::uint32_t c, void* p) {
        if (counts_[c] * class_size(c) >= kKeptBytesPerClass) return false;
        auto* b = static_cast<FreeBlock*>(p);
        b->next = heads_[c];
        heads_[c] = b;
        ++counts_[c];
        return true;
    }

private:
    std::array<FreeBlock*, kClasses> heads_{};
    std::array<std::size_t, kClasses> counts_{};
};

FreeLists& lists() {
    thread_local FreeLists l;
    return l;
}

BlockHeader* header_of(void* p) { return static_cast<BlockHeader*>(p) - 1; }

void* allocate(std::size_t size, void*) {
    const std::uint32_t c = class_of(size);
    if (c != kLarge)
        if (void* p = lists().take(c)) return p;
    auto* h = static_cast<BlockHeader*>(std::malloc(kHeader + (c == kLarge ? size : class_size(c))));
    if (!h) return nullptr;
    h->size_class = c;
    return h + 1;
}

void release(void* p, void*) {
    if (!p) return;
    BlockHeader* h = header_of(p);
    if (h->size_class != kLarge && lists().keep(h->size_class, p)) return;
    std::free(h);
}

void* allocate_zeroed(std::size_t n, std::size_t size, void* user) {
    if (size != 0 && n > SIZE_MAX / size) return nullptr;
    void* p = allocate(n * size, user);
    if (p) std::memset(p, 0, n * size);
    return p;
}

void* reallocate(void* p, std::size_t size, void* user) {
    if (!p) return allocate(size, user);
    if (size == 0) {
        release(p, user);
        return nullptr;
    }
    BlockHeader* h = header_of(p);
    if (h->size_class == kLarge) {
        if (class_of(size) == kLarge) {
            auto* grown = static_cast<BlockHeader*>(std::realloc(h, kHeader + size));
            return grown ? grown + 1 : nullptr;
        }
        // A large block shrinking into a class: its usable size is unknown, but at least `size` bytes of it are
        // the caller's (it shrinks), so those are what is copied.
        void* q = allocate(size, user);
        if (q) {
            std::memcpy(q, p, size);
            release(p, user);
        }
        return q;
    }
    const std::size_t usable = class_size(h->size_class);
    if (size <= usable) return p;
    void* q = allocate(size, user);
    if (q) {
        std::memcpy(q, p, usable);
        release(p, user);
    }
    return q;
}

nghttp2_mem memory{nullptr, allocate, release, allocate_zeroed, reallocate};

}  // namespace

nghttp2_mem* h2_memory() { return &memory; }

}  // namespace gh::http
