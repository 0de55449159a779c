#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gh::session {

// Who signed in, with what tokens, and for how long. Times are Unix seconds.
struct Session {
    std::string user;  // the OIDC `sub`, as oauth2-proxy puts it in X-Auth-Request-User
    std::string email;
    std::string preferred_username;
    std::vector<std::string> groups;
    std::string access_token;
    std::string id_token;
    std::string refresh_token;
    std::string idp_session_id;  // the ID token's `sid`: what a back-channel logout names
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
    std::int64_t refresh_after = 0;  // 0: never refresh
    // Signed in with the sign-in page's password form (--htpasswd-file), not at the IdP: the file vouches for the
    // user, and the session ends when the user leaves the file.
    bool from_htpasswd = false;

    bool operator==(const Session&) const = default;
};

}  // namespace gh::session
