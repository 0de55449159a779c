#include "session/redis_session_store.hpp"

#include "observe/metrics.hpp"

#include "session/ticket.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/this_coro.hpp>

#include "crypto/aead.hpp"
#include "crypto/base64.hpp"
#include "crypto/hkdf.hpp"
#include "session/cookie_chunks.hpp"
#include "session/cookie_session_store.hpp"
#include "session/opened_values.hpp"
#include "session/session_codec.hpp"

namespace gh::session {
namespace {

namespace asio = boost::asio;

std::atomic<std::uint64_t> next_store_id{1};

// The calling thread's entry of the store it used last: lets load_now reach this thread's cache without
// knowing its executor.
struct Shortcut {
    std::uint64_t store = 0;
    RedisSessionStore::PerThread* slot = nullptr;
};
thread_local Shortcut shortcut;

// Redis trouble is said once a second per thread at most: an outage must not flood the log.
void warn_throttled(std::string_view what) {
    thread_local std::chrono::steady_clock::time_point last{};
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::seconds(1)) return;
    last = now;
    spdlog::warn("session store: {}", what);
}

std::int64_t ttl_milliseconds(const Session& s, std::int64_t now) {
    return std::max<std::int64_t>(1, s.expires_at - now) * 1000;
}

}  // namespace

struct RedisSessionStore::PerThread {
    asio::any_io_executor executor;
    std::unique_ptr<redis::Client> client;
    SessionCache cache;
};

enum class TicketRead { ok, absent, malformed, tampered };

namespace {

TicketRead read_ticket(const CookieSealer& sealer, const CookieJar& jar, Ticket& t);

// One index secret per cookie secret, the current one first.
std::vector<crypto::Bytes> index_secrets_for(const CookieSecrets& secrets) {
    std::vector<crypto::Bytes> out{crypto::hkdf_sha256(secrets.current, "gatehouse", "redis session index v1", 32)};
    for (const auto& old : secrets.previous)
        out.push_back(crypto::hkdf_sha256(old, "gatehouse", "redis session index v1", 32));
    return out;
}

}  // namespace

RedisSessionStore::RedisSessionStore(const CookieSecrets& cookie_secrets, std::string cookie_name,
                                     const std::vector<asio::any_io_executor>& executors,
                                     const ClientFactory& make_client, RedisStoreSettings settings)
    : sealer_(cookie_secrets, std::move(cookie_name)),
      index_secrets_(index_secrets_for(cookie_secrets)),
      id_(next_store_id++) {
    for (const auto& ex : executors)
        threads_.push_back(std::unique_ptr<PerThread>(
            new PerThread{ex, make_client(ex), SessionCache(settings.cache_ttl, settings.cache_entries)}));
}

RedisSessionStore::~RedisSessionStore() = default;

bool RedisSessionStore::connected() const {
    for (const auto& t : threads_)
        if (!t->client->connected()) return false;
    return !threads_.empty();
}

RedisSessionStore::PerThread* RedisSessionStore::find(const asio::any_io_executor& executor) const {
    for (const auto& t : threads_)
        if (t->executor == executor) {
            shortcut = {id_, t.get()};
            return t.get();
        }
    return nullptr;
}

RedisSessionStore::PerThread* RedisSessionStore::this_threads() const {
    return shortcut.store == id_ ? shortcut.slot : nullptr;
}

std::string RedisSessionStore::session_key(std::string_view id) const {
    return sealer_.cookie_name() + ":session:" + std::string(id);
}

std::string RedisSessionStore::index_key(std::string_view kind, std::string_view value, std::size_t secret) const {
    // Keyed hashes: Redis shows which sessions belong together, never whose they are.
    std::string label(kind);
    label += ':';
    label += value;
    const auto digest = crypto::hkdf_sha256(index_secrets_.at(secret), "gatehouse", label, 18);
    return sealer_.cookie_name() + ":" + std::string(kind) + ":" + crypto::base64url_encode(digest);
}

namespace {

TicketRead read_ticket(const CookieSealer& sealer, const CookieJar& jar, Ticket& t) {
    thread_local std::string scratch;
    thread_local crypto::Bytes plain;
    // Tickets this thread opened before: a busy user's requests skip the base64url decode and the AES open.
    thread_local OpenedValues<Ticket, 512> opened;
    const auto value = join_chunks(jar, sealer.cookie_name(), scratch);
    if (!value || value->empty()) return TicketRead::absent;
    if (opened.find(sealer.id(), *value, t)) return TicketRead::ok;
    if (!sealer.open_bytes(*value, plain)) return TicketRead::tampered;
    if (!Ticket::decode(plain, t)) return TicketRead::malformed;
    opened.remember(sealer.id(), *value, t);
    return TicketRead::ok;
}

LoadResult to_load_result(TicketRead r) {
    switch (r) {
        case TicketRead::absent: return LoadResult::absent;
        case TicketRead::malformed: return LoadResult::malformed;
        case TicketRead::tampered: return LoadResult::tampered;
        case TicketRead::ok: break;
    }
    return LoadResult::ok;
}

}  // namespace

std::optional<LoadResult> RedisSessionStore::load_now(const CookieJar& jar, std::int64_t now, Session& out) const {
    Ticket t;
    if (const auto r = read_ticket(sealer_, jar, t); r != TicketRead::ok) return to_load_result(r);
    PerThread* here = this_threads();
    if (!here || !here->cache.enabled() || !here->cache.get(t.raw_id(), SessionCache::Clock::now(), out))
        return std::nullopt;
    return out.expires_at != 0 && out.expires_at <= now ? LoadResult::expired : LoadResult::ok;
}

namespace {

// One Redis command of a store operation, timed for /metrics (gatehouse_session_store_duration_seconds).
asio::awaitable<redis::Result> timed(redis::Client& client, observe::StoreOperation op, std::string_view key,
                                     redis::Command command) {
    const auto started = std::chrono::steady_clock::now();
    redis::Result r = co_await client.execute(key, command);
    observe::time_session_store(op, std::chrono::steady_clock::now() - started, !r.ok() || r.reply.is_error());
    co_return r;
}

}  // namespace

asio::awaitable<LoadResult> RedisSessionStore::load(const CookieJar& jar, std::int64_t now, Session& out) const {
    Ticket t;
    if (const auto r = read_ticket(sealer_, jar, t); r != TicketRead::ok) co_return to_load_result(r);
    PerThread* here = find(co_await asio::this_coro::executor);
    if (!here) {
        spdlog::error("session store: called from a thread without a Redis client");
        co_return LoadResult::unavailable;
    }
    if (here->cache.enabled() && here->cache.get(t.raw_id(), SessionCache::Clock::now(), out))
        co_return out.expires_at != 0 && out.expires_at <= now ? LoadResult::expired : LoadResult::ok;

    const std::string key = session_key(t.id_text());
    const std::array<std::string_view, 2> get{"GET", key};
    const auto r = co_await timed(*here->client, observe::StoreOperation::load, key, get);
    if (!r.ok() || r.reply.is_error()) {
        warn_throttled("cannot read a session: " + (r.ok() ? r.reply.text : r.failure));
        co_return LoadResult::unavailable;
    }
    if (r.reply.is_nil()) co_return LoadResult::not_found;
    // Redis answered; what it answered may be what this thread opened before with the same ticket. Then the
    // session is the same too, and the key derivation, the AES open and the decode are skipped (Redis is still
    // asked every time, so a revocation or an update is seen at once).
    thread_local std::string opened_from;  // the ticket's secret and id, then the stored value
    thread_local OpenedValues<Session, 512> opened;
    opened_from.assign(reinterpret_cast<const char*>(t.secret.data()), t.secret.size());
    opened_from.append(t.raw_id());
    opened_from.append(r.reply.text);
    if (!opened.find(sealer_.id(), opened_from, out)) {
        thread_local crypto::Bytes plain;
        if (!crypto::aead_open(t.value_key(), crypto::as_bytes(r.reply.text), crypto::as_bytes(key), plain)) {
            // Only someone who can write to Redis gets here: say so.
            spdlog::warn("session store: the session under {} does not open with its ticket", key);
            co_return LoadResult::tampered;
        }
        if (!decode_session(plain, out)) co_return LoadResult::malformed;
        opened.remember(sealer_.id(), opened_from, out);
    }
    if (out.expires_at != 0 && out.expires_at <= now) co_return LoadResult::expired;
    here->cache.put(t.raw_id(), out, SessionCache::Clock::now());
    co_return LoadResult::ok;
}

namespace {

// Adds ticket `id` to `index` and makes the index live at least `ttl` milliseconds more, never less: the other
// sessions of the same user may live longer than this one. Each command touches one key (Redis Cluster), and
// none needs Redis 7 (EXPIRE … GT/NX): PTTL, then PEXPIRE only when the index would expire first. Two writers
// racing between the two commands can shorten the index only by how far apart they ran, as every writer asks
// for its own time plus a session lifetime. Empty when done, else why not.
asio::awaitable<std::string> add_to_index(redis::Client& client, const std::string& index, const std::string& id,
                                          std::int64_t ttl_ms) {
    const auto failure = [](const redis::Result& r) { return r.ok() ? r.reply.text : r.failure; };
    const std::array<std::string_view, 3> add{"SADD", index, id};
    const auto added = co_await timed(client, observe::StoreOperation::save, index, add);
    if (!added.ok() || added.reply.is_error()) co_return failure(added);
    const std::array<std::string_view, 2> pttl{"PTTL", index};
    const auto left = co_await timed(client, observe::StoreOperation::save, index, pttl);
    if (!left.ok() || left.reply.is_error()) co_return failure(left);
    // -1: no expiry yet (a set SADD just made); -2: gone (a revocation deleted it since: nothing to extend).
    if (left.reply.integer == -2 || left.reply.integer >= ttl_ms)
        co_return std::string{};
    const std::string ttl = std::to_string(ttl_ms);
    const std::array<std::string_view, 3> expire{"PEXPIRE", index, ttl};
    const auto extended = co_await timed(client, observe::StoreOperation::save, index, expire);
    if (!extended.ok() || extended.reply.is_error()) co_return failure(extended);
    co_return std::string{};
}

}  // namespace

asio::awaitable<SaveResult> RedisSessionStore::store(PerThread& here, const Ticket& t, const Session& s,
                                                     const CookieJar& jar, const CookieAttributes& attrs,
                                                     std::int64_t now, bool must_exist) const {
    const std::string id = t.id_text();
    const std::string key = session_key(id);
    const std::int64_t ttl_ms = ttl_milliseconds(s, now);
    const std::string ttl = std::to_string(ttl_ms);
    // Indexed before it is written, by a new login and by every refresh alike, so a back-channel logout can
    // never miss a session that exists: a refresh keeps the session alive past the index's first TTL.
    std::vector<std::string> indexes;
    if (!s.user.empty()) indexes.push_back(index_key("sub", s.user));
    if (!s.idp_session_id.empty()) indexes.push_back(index_key("sid", s.idp_session_id));
    for (const auto& index : indexes)
        if (auto why = co_await add_to_index(*here.client, index, id, ttl_ms); !why.empty())
            co_return SaveResult{{}, "cannot index the session: " + why};
    crypto::Bytes plain;
    encode_session(s, plain);
    crypto::Bytes sealed;
    // The Redis key is authenticated with the value: a value moved under another key does not open.
    crypto::aead_seal(t.value_key(), plain, crypto::as_bytes(key), sealed);
    const std::string_view value(reinterpret_cast<const char*>(sealed.data()), sealed.size());
    // A refresh writes only over a session that still exists: a revocation that raced it wins.
    const std::array<std::string_view, 6> set{"SET", key, value, "PX", ttl, must_exist ? "XX" : "NX"};
    const auto r = co_await timed(*here.client, observe::StoreOperation::save, key, set);
    if (!r.ok() || r.reply.is_error())
        co_return SaveResult{{}, "cannot store the session: " + (r.ok() ? r.reply.text : r.failure)};
    if (r.reply.is_nil())
        co_return SaveResult{{}, must_exist ? "the session ended while it was being refreshed" : "ticket collision"};
    here.cache.put(t.raw_id(), s, SessionCache::Clock::now());
    co_return SaveResult{cookies_for_value(sealer_.cookie_name(), sealer_.seal_bytes(t.encode()), jar, attrs, now), {}};
}

asio::awaitable<SaveResult> RedisSessionStore::write(Saving saving, const Session& s, const CookieJar& request_cookies,
                                                     const CookieAttributes& attrs, std::int64_t now) const {
    PerThread* here = find(co_await asio::this_coro::executor);
    if (!here) co_return SaveResult{{}, "called from a thread without a Redis client"};
    Ticket old;
    const bool had_ticket = read_ticket(sealer_, request_cookies, old) == TicketRead::ok;
    // A refresh keeps its ticket; one whose cookie holds none is stored as a new login.
    if (saving == Saving::refresh && had_ticket)
        co_return co_await store(*here, old, s, request_cookies, attrs, now, true);
    // A new login forgets the session the browser had before (another user's, perhaps).
    if (had_ticket) {
        const std::string old_key = session_key(old.id_text());
        const std::array<std::string_view, 2> del{"DEL", old_key};
        co_await timed(*here->client, observe::StoreOperation::save, old_key, del);
        here->cache.erase(old.raw_id());
    }
    const Ticket t = Ticket::random();
    co_return co_await store(*here, t, s, request_cookies, attrs, now, false);
}

asio::awaitable<std::vector<std::string>> RedisSessionStore::destroy(const CookieJar& request_cookies,
                                                                     const CookieAttributes& attrs) const {
    auto cookies = clearing_cookies(sealer_.cookie_name(), request_cookies, attrs);
    Ticket t;
    if (read_ticket(sealer_, request_cookies, t) != TicketRead::ok) co_return cookies;
    PerThread* here = find(co_await asio::this_coro::executor);
    if (!here) co_return cookies;
    here->cache.erase(t.raw_id());
    const std::string key = session_key(t.id_text());
    const std::array<std::string_view, 2> del{"DEL", key};
    const auto r = co_await timed(*here->client, observe::StoreOperation::remove, key, del);
    if (!r.ok() || r.reply.is_error())
        spdlog::warn("sign-out: the session could not be deleted from Redis ({}); it ends when it expires",
                     r.ok() ? r.reply.text : r.failure);
    co_return cookies;
}

asio::awaitable<RevokeResult> RedisSessionStore::revoke(std::string sub, std::string sid) const {
    PerThread* here = find(co_await asio::this_coro::executor);
    if (!here) co_return RevokeResult{.error = "called from a thread without a Redis client"};
    RevokeResult result;
    // Sessions created before a secret rotation sit in indexes named under the previous secrets.
    for (std::size_t secret = 0; secret < index_secrets_.size(); ++secret) {
        const std::string index = sid.empty() ? index_key("sub", sub, secret) : index_key("sid", sid, secret);
        const std::array<std::string_view, 2> members{"SMEMBERS", index};
        const auto listed = co_await timed(*here->client, observe::StoreOperation::revoke, index, members);
        if (!listed.ok() || listed.reply.type != redis::Reply::Type::array)
            co_return RevokeResult{.ended = result.ended, .error = listed.ok() ? listed.reply.text : listed.failure};
        for (const auto& member : listed.reply.elements) {
            const std::string key = session_key(member.text);
            const std::array<std::string_view, 2> del{"DEL", key};
            const auto r = co_await timed(*here->client, observe::StoreOperation::revoke, key, del);
            if (!r.ok() || r.reply.is_error())
                co_return RevokeResult{.ended = result.ended, .error = r.ok() ? r.reply.text : r.failure};
            result.ended += static_cast<std::size_t>(r.reply.integer);
            crypto::Bytes raw;
            if (crypto::base64url_decode(member.text, raw))
                here->cache.erase(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
        }
        const std::array<std::string_view, 2> del_index{"DEL", index};
        co_await timed(*here->client, observe::StoreOperation::revoke, index, del_index);
    }
    co_return result;
}

}  // namespace gh::session
