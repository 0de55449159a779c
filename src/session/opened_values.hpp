#pragma once
// Sealed cookie values this thread has already opened (session cookies, Redis tickets), so that a user's next
// requests skip the base64url decode, the AES-GCM open and the decode (a quarter of an auth request's
// instructions). One per thread: no lock. Safe because opening is a pure function of the cookie value and the
// sealer's keys: an entry answers only for exactly the same value (compared in constant time, so the time taken
// says nothing about another user's cookie) opened by the same sealer. What depends on the time (expiry) is
// checked by the caller on every request, hit or miss.
// Direct-mapped and bounded: the slot comes from the value's last characters, which encode the GCM
// authentication tag (random to anyone without the key); a busy slot is simply overwritten.
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "session/session.hpp"

namespace gh::session {

// A new owner id for OpenedValues (a sealer, a verifier): unique in the process, never 0.
inline std::uint64_t new_opener_id() {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

// `T`: what a value opens to (copied out on a hit, reusing the destination's capacity).
template <class T, std::size_t kSlots>
class OpenedValues {
public:
    // Copies what `value` opened to, by the sealer `sealer_id`, into `out`.
    bool find(std::uint64_t sealer_id, std::string_view value, T& out) const {
        if (!entries_ || value.size() < kTailSize) return false;
        const Entry& e = (*entries_)[slot_of(value)];
        if (e.sealer_id != sealer_id || e.value.size() != value.size() ||
            !crypto::constant_time_equal(std::string_view(e.value), value))
            return false;
        out = e.opened;
        return true;
    }

    void remember(std::uint64_t sealer_id, std::string_view value, const T& opened) {
        if (value.size() < kTailSize) return;
        if (!entries_) entries_ = std::make_unique<std::array<Entry, kSlots>>();
        Entry& e = (*entries_)[slot_of(value)];
        e.sealer_id = sealer_id;
        e.value.assign(value);
        e.opened = opened;
    }

private:
    static constexpr std::size_t kTailSize = 8;

    static std::size_t slot_of(std::string_view value) {
        std::uint64_t tail = 0;
        std::memcpy(&tail, value.data() + value.size() - kTailSize, kTailSize);
        return static_cast<std::size_t>((tail * 0x9E3779B97F4A7C15ull) >> 40) % kSlots;
    }

    struct Entry {
        std::uint64_t sealer_id = 0;  // 0: empty (sealer ids start at 1)
        std::string value;
        T opened;
    };
    // Allocated on a thread's first session cookie, so threads that never see one pay nothing.
    std::unique_ptr<std::array<Entry, kSlots>> entries_;
};

// Opened session cookies: 512 slots of ~300 bytes plus the values and sessions they hold.
using OpenedCookies = OpenedValues<Session, 512>;


}  // namespace gh::session
