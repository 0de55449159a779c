#pragma once
// --cookie-refresh, as the gate sees it: a session past its refresh time is renewed at the IdP before the gate
// decides, so identity, per-app rules and the policy are checked against what the IdP says now. Implemented by
// login::SessionRefresher; the gate holds no I/O of its own.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "session/cookie_jar.hpp"
#include "session/session.hpp"

namespace gh::gate {

enum class RenewalOutcome {
    renewed,      // the session holds the new tokens and identity; the Set-Cookie values store them
    refused,      // the IdP refused (or named another user): the session is over; the Set-Cookie values clear it
    unavailable,  // the IdP or the store could not be reached: decide on the current session, try again next time
};

class SessionRenewal {
public:
    virtual ~SessionRenewal() = default;
    virtual bool due(const session::Session& s) const = 0;
    // `host`: the original host, which picks the cookie domain; `jar`: the request's cookies (stale chunks).
    virtual boost::asio::awaitable<RenewalOutcome> renew(session::Session& s, const session::CookieJar& jar,
                                                         std::string host,
                                                         std::vector<std::string>& set_cookies) const = 0;
};

}  // namespace gh::gate
