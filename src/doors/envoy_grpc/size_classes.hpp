#pragma once
// Items grouped by the bytes they hold, in classes of powers of two: one of (about) the largest is found in at most
// 64 steps, and an item changes class in a few instructions. Intrusive (each item carries its Links), so that a call
// that grows chunk by chunk costs no allocation and no search. Written by hand: a heap would re-sort on every chunk,
// and only the largest class is ever asked for.
#include <array>
#include <bit>
#include <cstddef>

namespace gh::doors::envoy_grpc {

template <typename T>
class SizeClasses {
public:
    struct Links {
        T* prev = nullptr;
        T* next = nullptr;
        int size_class = -1;  // -1: in no class
    };
    using LinksOf = Links T::*;

    explicit SizeClasses(LinksOf links) : links_(links) {}

    // `item` now holds `size` bytes (0: it leaves its class).
    void update(T& item, std::size_t size) {
        const int to = size == 0 ? -1 : static_cast<int>(std::bit_width(size)) - 1;
        Links& l = item.*links_;
        if (l.size_class == to) return;
        if (l.size_class >= 0) {
            (l.prev ? (l.prev->*links_).next : heads_[static_cast<std::size_t>(l.size_class)]) = l.next;
            if (l.next) (l.next->*links_).prev = l.prev;
            l.prev = l.next = nullptr;
        }
        l.size_class = to;
        if (to < 0) return;
        T*& head = heads_[static_cast<std::size_t>(to)];
        l.next = head;
        if (head) (head->*links_).prev = &item;
        head = &item;
    }

    // An item of the largest class held, or null when none holds anything.
    T* largest() const {
        for (std::size_t c = heads_.size(); c-- > 0;)
            if (heads_[c]) return heads_[c];
        return nullptr;
    }

private:
    LinksOf links_;
    std::array<T*, 64> heads_{};
};

}  // namespace gh::doors::envoy_grpc
