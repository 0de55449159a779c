#pragma once
#include "session/session.hpp"

namespace gh::test {

inline constexpr std::int64_t kNow = 1'800'000'000;

inline session::Session alice() {
    session::Session s;
    s.user = "f3b7c0de-0001";
    s.email = "alice@example.com";
    s.preferred_username = "alice";
    s.groups = {"/platform-team", "/dev"};
    s.access_token = "at-123";
    s.id_token = "header.payload.sig";
    s.refresh_token = "rt-456";
    s.created_at = kNow - 60;
    s.expires_at = kNow + 3600;
    s.refresh_after = kNow + 600;
    return s;
}

}  // namespace gh::test
