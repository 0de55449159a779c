#pragma once

namespace gh::session {

// What reading a session from a request found.
enum class LoadResult {
    ok,
    absent,
    malformed,
    tampered,
    expired,
    not_found,    // a valid ticket whose session the store no longer has: signed out, revoked or expired there
    unavailable,  // the store could not be asked (Redis down or too slow): fail closed
};

}  // namespace gh::session
