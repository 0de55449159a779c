#pragma once
// Sessions kept entirely in the browser: an encrypted, authenticated cookie, chunked past 4 KB.
#include <string>
#include <vector>

#include "session/cookie_jar.hpp"
#include "session/cookie_sealer.hpp"
#include "session/set_cookie.hpp"

namespace gh::session {


class CookieSessionStore {
public:
    CookieSessionStore(crypto::ByteView cookie_secret, std::string cookie_name);

    // Reads the session the request carries into `out` (reusing its capacity).
    LoadResult load(const CookieJar& jar, std::int64_t now, Session& out) const;

    // Set-Cookie values that store `s`, plus clearing cookies for chunks of the old value that the
    // new one no longer uses (otherwise a stale NAME_2 would be glued onto a shorter new value).
    std::vector<std::string> save(const Session& s, const CookieJar& request_cookies, const CookieAttributes& attrs,
                                  std::int64_t now) const;

    // Set-Cookie values that delete every cookie of this session the request carried.
    std::vector<std::string> clear(const CookieJar& request_cookies, const CookieAttributes& attrs) const;

    const std::string& cookie_name() const { return sealer_.cookie_name(); }

private:
    CookieSealer sealer_;
};

}  // namespace gh::session
