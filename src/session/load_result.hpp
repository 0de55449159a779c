#pragma once

namespace gh::session {

// What reading a session from a request found.
enum class LoadResult { ok, absent, malformed, tampered, expired };

}  // namespace gh::session
