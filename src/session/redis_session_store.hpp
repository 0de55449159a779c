#pragma once
// Sessions in Redis: the cookie carries only a ticket (a random id and a random secret, sealed with the
// cookie secret), Redis holds the session encrypted under a key derived from the ticket's secret. Redis
// alone cannot read a session, the cookie alone holds none, and deleting the Redis entry ends the session
// everywhere. Each I/O thread has its own Redis client (and cache): nothing is shared on the request path.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "redis/client.hpp"
#include "session/cookie_sealer.hpp"
#include "session/session_cache.hpp"
#include "session/session_store.hpp"

namespace gh::session {

struct Ticket;

struct RedisStoreSettings {
    std::chrono::milliseconds cache_ttl{0};  // --session-cache-ttl; 0: off
    std::size_t cache_entries = 10'000;      // per thread
};

class RedisSessionStore final : public SessionStore {
public:
    using ClientFactory = std::function<std::unique_ptr<redis::Client>(boost::asio::any_io_executor)>;

    // One client (made by `make_client`) for each executor in `executors`: the I/O threads that will call
    // this store. Their executors must outlive the store.
    RedisSessionStore(const CookieSecrets& cookie_secrets, std::string cookie_name,
                      const std::vector<boost::asio::any_io_executor>& executors, const ClientFactory& make_client,
                      RedisStoreSettings settings);
    ~RedisSessionStore() override;

    const std::string& cookie_name() const override { return sealer_.cookie_name(); }

    std::optional<LoadResult> load_now(const CookieJar& jar, std::int64_t now, Session& out) const override;
    boost::asio::awaitable<LoadResult> load(const CookieJar& jar, std::int64_t now, Session& out) const override;
    boost::asio::awaitable<SaveResult> write(Saving saving, const Session& s, const CookieJar& request_cookies,
                                             const CookieAttributes& attrs, std::int64_t now) const override;
    boost::asio::awaitable<std::vector<std::string>> destroy(const CookieJar& request_cookies,
                                                             const CookieAttributes& attrs) const override;
    boost::asio::awaitable<RevokeResult> revoke(std::string sub, std::string sid) const override;

    // True when every thread's client is connected (for /ready).
    bool connected() const;

    struct PerThread;

private:
    PerThread* find(const boost::asio::any_io_executor& executor) const;
    PerThread* this_threads() const;
    std::string session_key(std::string_view id) const;
    // The index of `kind` (sub or sid) for `value`, named under index secret number `secret` (0: current).
    std::string index_key(std::string_view kind, std::string_view value, std::size_t secret = 0) const;
    boost::asio::awaitable<SaveResult> store(PerThread& here, const Ticket& t, const Session& s, const CookieJar& jar,
                                             const CookieAttributes& attrs, std::int64_t now, bool must_exist) const;

    CookieSealer sealer_;
    // Key the hashes that name the per-user and per-IdP-session indexes: the current one, then previous ones.
    std::vector<crypto::Bytes> index_secrets_;
    std::uint64_t id_;            // tells this store's per-thread shortcut from another store's
    std::vector<std::unique_ptr<PerThread>> threads_;
};

}  // namespace gh::session
