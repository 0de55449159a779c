#pragma once
// Where sessions live: in the cookie itself, or in Redis with only a ticket in the cookie. Every door, the
// login and the sign-out use this seam; a store returns Set-Cookie values and writes no HTTP.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/cookie_jar.hpp"
#include "session/load_result.hpp"
#include "session/session.hpp"
#include "session/set_cookie.hpp"

namespace gh::session {

struct SaveResult {
    std::vector<std::string> set_cookies;  // empty when `error` is set
    std::string error;                     // for the log: the store refused or could not be reached
    bool ok() const { return error.empty(); }
};

struct RevokeResult {
    bool supported = true;  // false: this store cannot end sessions it does not hold (cookie sessions)
    std::size_t ended = 0;
    std::string error;  // set when the store could not be reached
};

class SessionStore {
public:
    virtual ~SessionStore() = default;

    virtual const std::string& cookie_name() const = 0;

    // Answers from the request alone when it can (a cookie session; a ticket that does not open; a session
    // cached on this thread), without suspending. nullopt: the store must be asked, with load().
    virtual std::optional<LoadResult> load_now(const CookieJar& jar, std::int64_t now, Session& out) const = 0;
    // Reads the session the request carries into `out`. `jar`'s views must stay valid while it runs. By default
    // load_now's answer: for a store that always answers from the request alone.
    virtual boost::asio::awaitable<LoadResult> load(const CookieJar& jar, std::int64_t now, Session& out) const {
        co_return *load_now(jar, now, out);
    }

    enum class Saving {
        new_login,  // a new session under a new ticket (the request's old one, if any, is forgotten)
        refresh,    // same ticket, so every copy of the cookie sees the renewed session
    };
    // Stores `s`; the Set-Cookie values that carry it (create and update say which Saving).
    virtual boost::asio::awaitable<SaveResult> write(Saving saving, const Session& s, const CookieJar& request_cookies,
                                                     const CookieAttributes& attrs, std::int64_t now) const = 0;
    // A new login.
    boost::asio::awaitable<SaveResult> create(const Session& s, const CookieJar& request_cookies,
                                              const CookieAttributes& attrs, std::int64_t now) const {
        return write(Saving::new_login, s, request_cookies, attrs, now);
    }
    // A refreshed session.
    boost::asio::awaitable<SaveResult> update(const Session& s, const CookieJar& request_cookies,
                                              const CookieAttributes& attrs, std::int64_t now) const {
        return write(Saving::refresh, s, request_cookies, attrs, now);
    }
    // Sign-out: the session is forgotten (a copied ticket stops working) and its cookies cleared.
    virtual boost::asio::awaitable<std::vector<std::string>> destroy(const CookieJar& request_cookies,
                                                                     const CookieAttributes& attrs) const = 0;
    // Back-channel logout: ends every session of the IdP session `sid`, or of the user `sub` when `sid` is
    // empty.
    virtual boost::asio::awaitable<RevokeResult> revoke(std::string sub, std::string sid) const = 0;
};

}  // namespace gh::session
