#pragma once
// Which HPACK buffers of the header fields received in this read were checked already (RequestFields), passing or
// failing: HPACK lets a one-byte reference hand the same buffer again, stream after stream, and scanning it each time
// would cost the server far more than it costs the client. H2Session asks before checking a name or value, tells
// after, and lets go of everything at the end of each receive(). Internal to http/.
#include <nghttp2/nghttp2.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "http/h2_request_fields.hpp"

namespace gh::http {

// The HPACK buffers of header fields whose bytes passed the checks in this receive(): a reference to a table entry
// hands the same buffers again (one byte on the wire each time), and they are not scanned again (D26-F4, D27-F3/4).
// Each is held (its reference count raised), so that its address cannot come back for other bytes, and let go at the
// end of receive(): a buffer sent once and never indexed is not kept on an idle connection (D27-F5). Names and values
// are remembered apart (a long name with a new value each time is scanned once). Short ones are not remembered:
// scanning them costs less. 256 slots hold every buffer of 32 bytes or more that HPACK's 4 KiB table can have; more
// new ones in a read (literals: 192 of them cost the client at least 4 KiB on the wire) start the set afresh, so that
// filling it does not switch the shortcut off for the rest of the read (D28-F1).
class CheckedBuffers {
public:
    static constexpr std::size_t kMinBytes = 32;

    bool contains(nghttp2_rcbuf* b) const {
        if (nghttp2_rcbuf_is_static(b)) return true;  // the static table's names and values are all well-formed
        if (count_ == 0) return false;
        for (std::size_t i = slot_of(b);; i = (i + 1) % kSlots) {
            if (slots_[i] == b) return true;
            if (!slots_[i]) return false;
        }
    }
    void remember(nghttp2_rcbuf* b, std::size_t length) {
        if (length < kMinBytes || contains(b)) return;
        if (count_ == kMaxCount) release();
        std::size_t i = slot_of(b);
        while (slots_[i]) i = (i + 1) % kSlots;
        slots_[i] = b;
        used_[count_++] = static_cast<std::uint16_t>(i);
        nghttp2_rcbuf_incref(b);
    }
    void release() {
        for (std::size_t k = 0; k < count_; ++k) {
            nghttp2_rcbuf_decref(slots_[used_[k]]);
            slots_[used_[k]] = nullptr;
        }
        count_ = 0;
        const auto let_go = [](auto& slots) {
            for (auto& b : slots)
                if (b) nghttp2_rcbuf_decref(std::exchange(b, nullptr));
        };
        let_go(pseudo_values_);
        let_go(failed_pseudo_values_);
        let_go(failed_);
    }
    // A regular field's name or value found failing: the last of each is remembered, so that a reference to it,
    // stream after stream, is refused without its bytes being scanned again (D30-F3).
    Found found(nghttp2_rcbuf* b, RefusedPart part) const {
        if (contains(b)) return Found::passed;
        return failed_[part == RefusedPart::name ? 0 : 1] == b ? Found::failed : Found::unknown;
    }
    void remember_failed(RefusedPart part, nghttp2_rcbuf* b, std::size_t length) {
        if (part != RefusedPart::none && length >= kMinBytes) hold(failed_[part == RefusedPart::name ? 0 : 1], b);
    }
    // A pseudo-header field's value was found passing or failing only for that field (pseudo_header_index): the last
    // one of each is remembered, enough for a reference repeated stream after stream (D29-F3, D30-F3). Only long
    // ones: Envoy's :path (41 bytes, never indexed by nghttp2-based clients) comes new with every call, and scanning
    // 64 bytes costs less than holding and letting go of the buffer.
    static constexpr std::size_t kMinPseudoBytes = 64;
    Found found_pseudo_value(int index, nghttp2_rcbuf* b) const {
        if (index < 0) return Found::unknown;
        const auto i = static_cast<std::size_t>(index);
        if (pseudo_values_[i] == b || nghttp2_rcbuf_is_static(b)) return Found::passed;
        return failed_pseudo_values_[i] == b ? Found::failed : Found::unknown;
    }
    void remember_pseudo_value(int index, nghttp2_rcbuf* b, std::size_t length, bool passed) {
        if (index < 0 || length < kMinPseudoBytes || nghttp2_rcbuf_is_static(b)) return;
        hold((passed ? pseudo_values_ : failed_pseudo_values_)[static_cast<std::size_t>(index)], b);
    }

private:
    static constexpr std::size_t kSlots = 256, kMaxCount = 192;  // open addressing, at most three quarters full
    static std::size_t slot_of(nghttp2_rcbuf* b) {
        return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(b) >> 4) * 0x9E3779B97F4A7C15ull >> 56);
    }
    std::array<nghttp2_rcbuf*, kSlots> slots_{};
    std::array<std::uint16_t, kMaxCount> used_{};
    std::size_t count_ = 0;
    // Holds `b` in `slot` (its count raised), letting go of the one there.
    static void hold(nghttp2_rcbuf*& slot, nghttp2_rcbuf* b) {
        if (slot == b) return;
        if (slot) nghttp2_rcbuf_decref(slot);
        nghttp2_rcbuf_incref(b);
        slot = b;
    }
    std::array<nghttp2_rcbuf*, kPseudoHeaders> pseudo_values_{};
    std::array<nghttp2_rcbuf*, kPseudoHeaders> failed_pseudo_values_{};
    std::array<nghttp2_rcbuf*, 2> failed_{};  // a regular field's name, value
};

// This I/O thread's: a receive() runs to its end before another session's on the same thread. Inline (constant
// initialised, nothing to construct on first use): on_header asks for it for every field.
inline CheckedBuffers& checked_buffers() {
    thread_local CheckedBuffers buffers;
    return buffers;
}

}  // namespace gh::http
