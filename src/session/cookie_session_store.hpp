#pragma once
// Sessions kept entirely in the browser: an encrypted, authenticated cookie, chunked past 4 KB.
#include <string>
#include <vector>

#include "session/cookie_sealer.hpp"
#include "session/session_store.hpp"

namespace gh::session {

class CookieSessionStore final : public SessionStore {
public:
    CookieSessionStore(const CookieSecrets& cookie_secrets, std::string cookie_name);

    const std::string& cookie_name() const override { return sealer_.cookie_name(); }

    // Never nullopt: everything is in the cookie (so SessionStore's load serves).
    std::optional<LoadResult> load_now(const CookieJar& jar, std::int64_t now, Session& out) const override;
    // A new login and a refresh alike: the session is the cookie.
    boost::asio::awaitable<SaveResult> write(Saving saving, const Session& s, const CookieJar& request_cookies,
                                             const CookieAttributes& attrs, std::int64_t now) const override;
    boost::asio::awaitable<std::vector<std::string>> destroy(const CookieJar& request_cookies,
                                                             const CookieAttributes& attrs) const override;
    // A cookie session cannot be ended from here: not supported.
    boost::asio::awaitable<RevokeResult> revoke(std::string sub, std::string sid) const override;

    // Set-Cookie values that store `s`, plus clearing cookies for chunks of the old value that the
    // new one no longer uses (otherwise a stale NAME_2 would be glued onto a shorter new value).
    std::vector<std::string> save(const Session& s, const CookieJar& request_cookies, const CookieAttributes& attrs,
                                  std::int64_t now) const;

private:
    CookieSealer sealer_;
};

// Set-Cookie values that store `value` under `name` (chunked when long), clearing the request's chunks of
// `name` that the new value does not overwrite. Shared by both stores.
std::vector<std::string> cookies_for_value(const std::string& name, std::string_view value,
                                           const CookieJar& request_cookies, const CookieAttributes& attrs,
                                           std::int64_t now);
// Set-Cookie values that delete every cookie of `name` the request carried.
std::vector<std::string> clearing_cookies(const std::string& name, const CookieJar& request_cookies,
                                          const CookieAttributes& attrs);

}  // namespace gh::session
