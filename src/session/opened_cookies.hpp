#pragma once
// Session cookies this thread has already opened, so that a user's next requests skip the base64url decode,
// the AES-GCM open and the session decode (a quarter of an auth request's instructions). One per thread: no
// lock. Safe because opening is a pure function of the cookie value and the sealer's keys: an entry answers only
// for exactly the same value (compared in constant time, so the time taken says nothing about another user's
// cookie) opened by the same sealer. Expiry is checked by the caller on every request, hit or miss.
// Direct-mapped and bounded: the slot comes from the value's last characters, which encode the GCM
// authentication tag (random to anyone without the key); a busy slot is simply overwritten.
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "session/session.hpp"

namespace gh::session {

class OpenedCookies {
public:
    static constexpr std::size_t kSlots = 512;

    // Copies the session opened from `value` by the sealer `sealer_id` into `out` (reusing its capacity).
    bool find(std::uint64_t sealer_id, std::string_view value, Session& out) const {
        if (!entries_ || value.size() < kTailSize) return false;
        const Entry& e = (*entries_)[slot_of(value)];
        if (e.sealer_id != sealer_id || e.value.size() != value.size() ||
            !crypto::constant_time_equal(std::string_view(e.value), value))
            return false;
        out = e.session;
        return true;
    }

    void remember(std::uint64_t sealer_id, std::string_view value, const Session& s) {
        if (value.size() < kTailSize) return;
        if (!entries_) entries_ = std::make_unique<std::array<Entry, kSlots>>();
        Entry& e = (*entries_)[slot_of(value)];
        e.sealer_id = sealer_id;
        e.value.assign(value);
        e.session = s;
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
        Session session;
    };
    // Allocated on a thread's first session cookie, so threads that never see one pay nothing.
    std::unique_ptr<std::array<Entry, kSlots>> entries_;
};

}  // namespace gh::session
