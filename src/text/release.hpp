#pragma once
// Giving a string's heap buffer back, for buffers kept between uses (a connection's, a pooled call's) that a large
// request or answer grew.
#include <string>

namespace gh::text {

// Empties `s` and frees its heap buffer. `s = std::string()` does not: libstdc++ copies a short string's characters
// into the buffer `s` already has (moving only a long string's buffer), so the allocation stays. Every buffer meant
// to be given back that way was kept: an idle connection held 16 answer buffers of 24 KB (D33-F1).
inline void release(std::string& s) noexcept { std::string().swap(s); }

}  // namespace gh::text
