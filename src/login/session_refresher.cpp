#include "login/session_refresher.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/post.hpp>
#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "login/cookie_attributes.hpp"
#include "login/session_identity.hpp"
#include "observe/log_text.hpp"
#include "observe/metrics.hpp"
#include "oidc/refreshed_identity.hpp"

namespace gh::login {
namespace {

namespace asio = boost::asio;

// How long a finished refresh is remembered (at most; less when --cookie-refresh is shorter). Requests that
// left the browser with the old cookie while the refresh ran arrive later with the old refresh token; IdPs
// that rotate refresh tokens treat its reuse as theft and revoke the grant, so those requests must get the
// same answer instead of a second refresh.
constexpr std::int64_t kFlightMemorySeconds = 30;

// One refresh of one refresh token, shared by every I/O thread. Guarded by its mutex; only the refresh path
// takes it, never a request that needs no refresh.
struct Flight {
    std::mutex mutex;
    bool done = false;
    std::int64_t finished_at = 0;
    oidc::RedeemResult result;
    std::vector<std::pair<asio::any_io_executor, asio::steady_timer*>> waiters;
};

struct Flights {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<Flight>> by_token;
};

Flights& flights() {
    static Flights f;
    return f;
}

// The flight for `token`, and whether this caller must run it.
std::pair<std::shared_ptr<Flight>, bool> join_flight(const std::string& token, std::int64_t now, std::int64_t memory) {
    auto& f = flights();
    std::lock_guard lock(f.mutex);
    std::erase_if(f.by_token, [&](const auto& kv) {
        std::lock_guard l(kv.second->mutex);
        return kv.second->done && now - kv.second->finished_at >= memory;
    });
    auto [it, inserted] = f.by_token.try_emplace(token, nullptr);
    if (inserted) it->second = std::make_shared<Flight>();
    return {it->second, inserted};
}

// The IdP's answer to the refresh of `token`: asked by the first caller (the flight's leader), waited for by the
// others, each on its own thread's timer. `user`: for the log.
asio::awaitable<oidc::RedeemResult> refresh_once(const oidc::Provider& provider, const Clock& clock,
                                                 const std::string& token, std::int64_t memory, std::string_view user) {
    auto executor = co_await asio::this_coro::executor;
    auto [flight, leader] = join_flight(token, clock.now(), memory);
    if (leader) {
        spdlog::info("refresh: asking the IdP to renew the session of user \"{}\"", observe::log_text(user));
        auto result = co_await provider.refresh(token);
        std::lock_guard lock(flight->mutex);
        flight->result = std::move(result);
        flight->done = true;
        flight->finished_at = clock.now();
        // Wake the waiters on their own threads: a timer is only touched by its executor.
        for (auto& [ex, timer] : flight->waiters) asio::post(ex, [t = timer] { t->cancel(); });
        flight->waiters.clear();
    } else {
        asio::steady_timer wake(executor, asio::steady_timer::time_point::max());
        bool wait = false;
        {
            std::lock_guard lock(flight->mutex);
            if (!flight->done) {
                flight->waiters.emplace_back(executor, &wake);
                wait = true;
            }
        }
        if (wait) co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    std::lock_guard lock(flight->mutex);
    co_return flight->result;
}

}  // namespace

SessionRefresher::SessionRefresher(session::CookiePolicy cookies, const session::SessionStore& store,
                                   const oidc::Provider& provider, const Clock& clock)
    : cookies_(std::move(cookies)), store_(store), provider_(provider), clock_(clock) {}

// Strictly after: times are whole seconds, so `>=` could renew a session made late in one second at the very
// start of the next, long before it is --cookie-refresh old.
bool SessionRefresher::due(const session::Session& s) const {
    return cookies_.cookie_refresh.count() > 0 && s.refresh_after != 0 && clock_.now() > s.refresh_after &&
           !s.refresh_token.empty();
}

asio::awaitable<RefreshOutcome> SessionRefresher::refresh(session::Session& s, const session::CookieJar& jar,
                                                          std::string host,
                                                          std::vector<std::string>& set_cookies) const {
    const std::string token = s.refresh_token;
    const std::int64_t memory = std::clamp<std::int64_t>(cookies_.cookie_refresh.count() / 2, 1, kFlightMemorySeconds);
    const oidc::RedeemResult r = co_await refresh_once(provider_, clock_, token, memory, s.user);
    const auto attrs = session_cookie_attributes(cookies_, host);
    if (!r.tokens) {
        if (!r.refused) {
            spdlog::warn("refresh: {}; keeping the session for now (user \"{}\")", observe::log_text(r.error),
                         observe::log_text(s.user));
            observe::count_refresh(observe::RefreshOutcome::kept);
            co_return RefreshOutcome::unavailable;
        }
        spdlog::info("refresh: {}; ending the session of user \"{}\"", observe::log_text(r.error), observe::log_text(s.user));
        co_return co_await end_session(jar, attrs, set_cookies);
    }
    const std::int64_t now = clock_.now();
    const auto& t = *r.tokens;
    // OIDC Core §12.2: tokens that name someone else (another iss or sub) end the session, as a refusal does;
    // renewing it would hand this cookie to that other user.
    if (const auto why = t.has_identity ? oidc::identity_change(s.id_token, s.user, t.identity) : std::string{};
        !why.empty()) {
        spdlog::warn("refresh: {}; ending the session of user \"{}\"", why, observe::log_text(s.user));
        co_return co_await end_session(jar, attrs, set_cookies);
    }
    renew_with(s, t, now);
    auto saved = co_await store_.update(s, jar, attrs, now);
    if (!saved.ok()) {
        spdlog::warn("refresh: the renewed session of user \"{}\" could not be stored: {}", observe::log_text(s.user),
                     saved.error);
        observe::count_refresh(observe::RefreshOutcome::kept);
        co_return RefreshOutcome::unavailable;
    }
    set_cookies = std::move(saved.set_cookies);
    spdlog::info("refresh: renewed the session of user \"{}\"", observe::log_text(s.user));
    observe::count_refresh(observe::RefreshOutcome::renewed);
    co_return RefreshOutcome::refreshed;
}

void SessionRefresher::renew_with(session::Session& s, const oidc::LoginTokens& t, std::int64_t now) const {
    if (t.has_identity) adopt_identity(s, t.identity);
    if (!t.access_token.empty()) s.access_token = t.access_token;
    if (!t.id_token.empty()) s.id_token = t.id_token;
    if (!t.refresh_token.empty()) s.refresh_token = t.refresh_token;  // rotated by the IdP
    s.refresh_after = now + cookies_.cookie_refresh.count();
    s.expires_at = now + cookies_.cookie_expire.count();
}

asio::awaitable<RefreshOutcome> SessionRefresher::end_session(const session::CookieJar& jar,
                                                              const session::CookieAttributes& attrs,
                                                              std::vector<std::string>& set_cookies) const {
    set_cookies = co_await store_.destroy(jar, attrs);
    observe::count_refresh(observe::RefreshOutcome::refused);
    co_return RefreshOutcome::refused;
}

}  // namespace gh::login
