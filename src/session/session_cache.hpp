#pragma once
// --session-cache-ttl: decoded Redis sessions kept for a short time by one I/O thread, keyed by ticket id,
// so a busy user's requests skip the Redis round trip. An entry is never served past the TTL, so a session
// revoked anywhere stops working here within it. One per thread: no lock.
#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include "session/session.hpp"

namespace gh::session {

class SessionCache {
public:
    using Clock = std::chrono::steady_clock;

    SessionCache(std::chrono::milliseconds ttl, std::size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}

    bool enabled() const { return ttl_.count() > 0; }

    // Copies the cached session into `out` (reusing its capacity) when fresh.
    bool get(std::string_view ticket_id, Clock::time_point now, Session& out) const {
        const auto it = entries_.find(ticket_id);
        if (it == entries_.end() || now - it->second.stored_at >= ttl_) return false;
        out = it->second.session;
        return true;
    }

    void put(std::string_view ticket_id, const Session& s, Clock::time_point now) {
        if (!enabled()) return;
        // Bounded: when full, start over rather than track recency; entries live for a TTL of seconds anyway.
        if (entries_.size() >= max_entries_) entries_.clear();
        auto& e = entries_[std::string(ticket_id)];
        e.session = s;
        e.stored_at = now;
    }

    void erase(std::string_view ticket_id) {
        if (const auto it = entries_.find(ticket_id); it != entries_.end()) entries_.erase(it);
    }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    struct Entry {
        Session session;
        Clock::time_point stored_at;
    };
    std::chrono::milliseconds ttl_;
    std::size_t max_entries_;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace gh::session
