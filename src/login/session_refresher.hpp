#pragma once
// --cookie-refresh: a session older than the refresh period is renewed at the IdP with its refresh token
// during /oauth2/auth, and the renewed cookie rides on the auth answer (ingress-nginx forwards it with
// auth-always-set-cookie). Concurrent requests of one session share one refresh, whichever threads serve them.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gate/session_renewal.hpp"
#include "oidc/provider.hpp"
#include "session/cookie_policy.hpp"
#include "clock/clock.hpp"
#include "session/session_store.hpp"

namespace gh::login {

enum class RefreshOutcome {
    refreshed,    // `s` holds the new tokens; `set_cookies` stores them
    refused,      // the IdP refused: the session is over; `set_cookies` clears it
    unavailable,  // the IdP (or the session store) could not be reached: keep using the current session, try again next time
};

// The gate's SessionRenewal: the gate calls it inside its decision, so every door renews the same way.
class SessionRefresher final : public gate::SessionRenewal {
public:
    SessionRefresher(session::CookiePolicy cookies, const session::SessionStore& store,
                     const oidc::Provider& provider, const Clock& clock);

    bool due(const session::Session& s) const override;
    boost::asio::awaitable<gate::RenewalOutcome> renew(session::Session& s, const session::CookieJar& jar,
                                                       std::string host,
                                                       std::vector<std::string>& set_cookies) const override {
        // Awaited into a variable first: GCC 12 destroys a coroutine's by-value arguments twice when the co_await
        // is the condition of a switch (seen here as a crash in the refresh frame's destructor).
        const RefreshOutcome outcome = co_await refresh(s, jar, std::move(host), set_cookies);
        switch (outcome) {
            case RefreshOutcome::refreshed: co_return gate::RenewalOutcome::renewed;
            case RefreshOutcome::refused: co_return gate::RenewalOutcome::refused;
            case RefreshOutcome::unavailable: break;
        }
        co_return gate::RenewalOutcome::unavailable;
    }

    // `host` picks the cookie domain; `jar` is the request's cookies (to clear stale chunks).
    boost::asio::awaitable<RefreshOutcome> refresh(session::Session& s, const session::CookieJar& jar,
                                                   std::string host, std::vector<std::string>& set_cookies) const;

private:
    // The renewed tokens (and identity, when they carry one) into `s`, and its times from `now`.
    void renew_with(session::Session& s, const oidc::LoginTokens& t, std::int64_t now) const;
    // A refresh refused, or one that names another user: the session is deleted and its cookies cleared.
    boost::asio::awaitable<RefreshOutcome> end_session(const session::CookieJar& jar,
                                                       const session::CookieAttributes& attrs,
                                                       std::vector<std::string>& set_cookies) const;

    const session::CookiePolicy cookies_;
    const session::SessionStore& store_;
    const oidc::Provider& provider_;
    const Clock& clock_;
};

}  // namespace gh::login
