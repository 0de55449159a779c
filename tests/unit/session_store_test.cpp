// One conformance suite for every SessionStore, then what only the Redis store promises. The Redis store
// runs against a real redis-server.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/single_client.hpp"
#include "redis_server.hpp"
#include "session/cookie_session_store.hpp"
#include "session/redis_session_store.hpp"
#include "test_sessions.hpp"

using namespace gh;
using session::LoadResult;
namespace asio = boost::asio;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";

session::CookieJar jar_from(const std::vector<std::string>& set_cookies, std::string& header) {
    header.clear();
    for (const auto& c : set_cookies) {
        const std::string pair = c.substr(0, c.find(';'));
        if (pair.ends_with('=')) continue;  // a clearing cookie
        if (!header.empty()) header += "; ";
        header += pair;
    }
    session::CookieJar jar;
    jar.add_header(header);
    return jar;
}

session::RedisSessionStore::ClientFactory client_for(const test::RedisServer& server) {
    return [url = server.url()](asio::any_io_executor ex) -> std::unique_ptr<redis::Client> {
        redis::ConnectionOptions o;
        std::string why;
        o.endpoint = *redis::parse_endpoint(url, why);
        o.timeout = std::chrono::milliseconds(300);
        return std::make_unique<redis::SingleClient>(ex, o);
    };
}

struct CookieStore {
    static constexpr bool kServerSide = false;
    asio::io_context io;
    session::CookieSessionStore store{crypto::as_bytes(kSecret), "_gh"};
};

struct RedisStore {
    static constexpr bool kServerSide = true;
    test::RedisServer server;
    asio::io_context io;
    session::RedisSessionStore store{crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {}};
};

template <class Fixture>
class SessionStoreConformance : public ::testing::Test {
protected:
    LoadResult load(const session::CookieJar& jar, std::int64_t now, session::Session& out) {
        return test::run_on(f.io, f.store.load(jar, now, out));
    }
    session::SaveResult create(const session::Session& s, const session::CookieJar& jar) {
        return test::run_on(f.io, f.store.create(s, jar, attrs, test::kNow));
    }
    Fixture f;
    session::CookieAttributes attrs;
    std::string header;
};

using Stores = ::testing::Types<CookieStore, RedisStore>;
TYPED_TEST_SUITE(SessionStoreConformance, Stores);

TYPED_TEST(SessionStoreConformance, ACreatedSessionLoadsBack) {
    const auto saved = this->create(test::alice(), {});
    ASSERT_TRUE(saved.ok()) << saved.error;
    const auto jar = jar_from(saved.set_cookies, this->header);
    session::Session out;
    EXPECT_EQ(this->load(jar, test::kNow, out), LoadResult::ok);
    EXPECT_EQ(out, test::alice());
}

TYPED_TEST(SessionStoreConformance, NoCookieIsAbsentAndAForeignCookieIsNotASession) {
    session::Session out;
    EXPECT_EQ(this->load(session::CookieJar{}, test::kNow, out), LoadResult::absent);
    session::CookieJar other;
    other.add_header("_gh=not-sealed-by-us");
    EXPECT_NE(this->load(other, test::kNow, out), LoadResult::ok);
}

TYPED_TEST(SessionStoreConformance, EveryFlippedCharacterOfTheCookieIsRefused) {
    const auto saved = this->create(test::alice(), {});
    const auto genuine = jar_from(saved.set_cookies, this->header);
    // Opened once first, so this thread remembers the genuine value (OpenedValues): a lookalike must still fail.
    session::Session first;
    ASSERT_EQ(this->load(genuine, test::kNow, first), LoadResult::ok);
    const std::size_t value_start = this->header.find('=') + 1;
    for (std::size_t i = value_start; i < this->header.size(); i += 3) {
        std::string tampered = this->header;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        session::CookieJar jar;
        jar.add_header(tampered);
        session::Session out;
        const auto r = this->load(jar, test::kNow, out);
        EXPECT_TRUE(r == LoadResult::tampered || r == LoadResult::malformed) << "position " << i;
    }
}

TYPED_TEST(SessionStoreConformance, ASessionPastItsExpiryIsExpired) {
    const auto saved = this->create(test::alice(), {});
    const auto jar = jar_from(saved.set_cookies, this->header);
    session::Session out;
    EXPECT_EQ(this->load(jar, test::alice().expires_at, out), LoadResult::expired);
}

TYPED_TEST(SessionStoreConformance, AnUpdateIsWhatLoadsNext) {
    const auto saved = this->create(test::alice(), {});
    const auto jar = jar_from(saved.set_cookies, this->header);
    auto renewed = test::alice();
    renewed.access_token = "at-renewed";
    const auto updated = test::run_on(this->f.io, this->f.store.update(renewed, jar, this->attrs, test::kNow));
    ASSERT_TRUE(updated.ok()) << updated.error;
    std::string header2;
    const auto jar2 = jar_from(updated.set_cookies, header2);
    session::Session out;
    EXPECT_EQ(this->load(jar2, test::kNow, out), LoadResult::ok);
    EXPECT_EQ(out.access_token, "at-renewed");
    if constexpr (TypeParam::kServerSide) {
        // Same ticket: the cookie from before the refresh sees the renewed session too.
        EXPECT_EQ(this->load(jar, test::kNow, out), LoadResult::ok);
        EXPECT_EQ(out.access_token, "at-renewed");
    }
}

TYPED_TEST(SessionStoreConformance, DestroyClearsTheCookiesAndServerSideTheSessionToo) {
    const auto saved = this->create(test::alice(), {});
    const auto jar = jar_from(saved.set_cookies, this->header);
    const auto cleared = test::run_on(this->f.io, this->f.store.destroy(jar, this->attrs));
    ASSERT_EQ(cleared.size(), 1u);
    EXPECT_NE(cleared[0].find("Max-Age=0"), std::string::npos);
    session::Session out;
    // A copy of the cookie, kept by someone else, no longer works where the session lives server-side.
    EXPECT_EQ(this->load(jar, test::kNow, out), TypeParam::kServerSide ? LoadResult::not_found : LoadResult::ok);
}

// What only the Redis store promises.
class RedisSessionStoreTest : public ::testing::Test {
protected:
    session::SaveResult create(session::RedisSessionStore& store, const session::Session& s) {
        return test::run_on(io, store.create(s, {}, attrs, test::kNow));
    }
    redis::Result raw(std::vector<std::string> args) {
        return test::run_on(io, [&]() -> asio::awaitable<redis::Result> {
            std::vector<std::string_view> views(args.begin(), args.end());
            co_return co_await inspector.execute(views);
        }());
    }

    test::RedisServer server;
    asio::io_context io;
    session::CookieAttributes attrs;
    redis::Connection inspector{io.get_executor(), [this] {
                                    redis::ConnectionOptions o;
                                    std::string why;
                                    o.endpoint = *redis::parse_endpoint(server.url(), why);
                                    return o;
                                }()};
};

TEST_F(RedisSessionStoreTest, RedisAloneCannotReadASessionNorTellWhoseItIs) {
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    auto s = test::alice();
    s.idp_session_id = "idp-session-1";
    ASSERT_TRUE(create(store, s).ok());
    const auto keys = raw({"KEYS", "*"});
    ASSERT_EQ(keys.reply.elements.size(), 3u);  // the session, the user's index, the IdP session's index
    for (const auto& key : keys.reply.elements) {
        EXPECT_EQ(key.text.find(s.user), std::string::npos) << key.text;
        EXPECT_EQ(key.text.find("idp-session-1"), std::string::npos) << key.text;
        if (key.text.find(":session:") == std::string::npos) continue;
        const auto value = raw({"GET", key.text});
        for (const auto& secret : {s.email, s.access_token, s.refresh_token, s.id_token})
            EXPECT_EQ(value.reply.text.find(secret), std::string::npos) << "Redis holds " << secret << " in clear";
        // The session expires in Redis when it expires for the browser.
        const auto ttl = raw({"PTTL", key.text});
        EXPECT_GT(ttl.reply.integer, (s.expires_at - test::kNow - 5) * 1000);
        EXPECT_LE(ttl.reply.integer, (s.expires_at - test::kNow) * 1000);
    }
}

// This thread remembers what it opened from Redis (OpenedValues): only exactly the same stored bytes under the
// same ticket may skip the open; anything else written into Redis is opened, and refused, again.
TEST_F(RedisSessionStoreTest, AStoredValueChangedInRedisIsOpenedAgainEvenAfterTheGenuineOneWas) {
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    std::string alice_header, bob_header;
    const auto alice_jar = jar_from(create(store, test::alice()).set_cookies, alice_header);
    auto bob = test::alice();
    bob.user = "bob";
    bob.email = "bob@example.com";
    const auto bob_jar = jar_from(create(store, bob).set_cookies, bob_header);
    session::Session out;
    ASSERT_EQ(test::run_on(io, store.load(alice_jar, test::kNow, out)), LoadResult::ok);
    ASSERT_EQ(test::run_on(io, store.load(bob_jar, test::kNow, out)), LoadResult::ok);

    const auto keys = raw({"KEYS", "*:session:*"}).reply.elements;
    ASSERT_EQ(keys.size(), 2u);
    std::string alice_key = keys[0].text, bob_key = keys[1].text;
    // Which key is whose: the one that stops Alice's cookie from loading when it is deleted is hers.
    const std::string first_value = raw({"GET", alice_key}).reply.text;
    raw({"DEL", alice_key});
    const bool first_is_alices = test::run_on(io, store.load(alice_jar, test::kNow, out)) == LoadResult::not_found;
    raw({"SET", alice_key, first_value});
    if (!first_is_alices) std::swap(alice_key, bob_key);
    const std::string genuine = raw({"GET", alice_key}).reply.text;
    const std::string bobs = raw({"GET", bob_key}).reply.text;
    ASSERT_EQ(test::run_on(io, store.load(alice_jar, test::kNow, out)), LoadResult::ok);
    ASSERT_EQ(out.user, test::alice().user);

    // Bob's sealed session copied under Alice's key does not open with her ticket.
    raw({"SET", alice_key, bobs});
    EXPECT_EQ(test::run_on(io, store.load(alice_jar, test::kNow, out)), LoadResult::tampered);
    // Nor does her own value with any byte changed.
    for (std::size_t i = 0; i < genuine.size(); i += 7) {
        std::string tampered = genuine;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
        raw({"SET", alice_key, tampered});
        EXPECT_EQ(test::run_on(io, store.load(alice_jar, test::kNow, out)), LoadResult::tampered) << "byte " << i;
    }
    raw({"SET", alice_key, genuine});
    EXPECT_EQ(test::run_on(io, store.load(alice_jar, test::kNow, out)), LoadResult::ok);
    EXPECT_EQ(out.user, test::alice().user);
    EXPECT_EQ(test::run_on(io, store.load(bob_jar, test::kNow, out)), LoadResult::ok);
    EXPECT_EQ(out.user, "bob");
}

TEST_F(RedisSessionStoreTest, RevokeEndsEverySessionOfTheUserOrOfTheIdpSession) {
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    auto laptop = test::alice(), phone = test::alice(), bob = test::alice();
    laptop.idp_session_id = "sid-laptop";
    phone.idp_session_id = "sid-phone";
    bob.user = "bob-sub";
    bob.idp_session_id = "sid-bob";
    std::string h1, h2, h3;
    const auto laptop_jar = jar_from(create(store, laptop).set_cookies, h1);
    const auto phone_jar = jar_from(create(store, phone).set_cookies, h2);
    const auto bob_jar = jar_from(create(store, bob).set_cookies, h3);
    session::Session out;

    auto r = test::run_on(io, store.revoke("", "sid-laptop"));
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.ended, 1u);
    EXPECT_EQ(test::run_on(io, store.load(laptop_jar, test::kNow, out)), LoadResult::not_found);
    EXPECT_EQ(test::run_on(io, store.load(phone_jar, test::kNow, out)), LoadResult::ok);

    r = test::run_on(io, store.revoke(test::alice().user, ""));
    EXPECT_EQ(r.ended, 1u);  // the phone; the laptop session was already gone
    EXPECT_EQ(test::run_on(io, store.load(phone_jar, test::kNow, out)), LoadResult::not_found);
    EXPECT_EQ(test::run_on(io, store.load(bob_jar, test::kNow, out)), LoadResult::ok);
}

TEST_F(RedisSessionStoreTest, AfterASecretRotationOldTicketsOpenAndRevocationFindsOldSessions) {
    const std::string new_secret = "fedcba9876543210fedcba9876543210";
    const auto bytes = [](const std::string& s) { return crypto::Bytes(s.begin(), s.end()); };
    session::RedisSessionStore before(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    session::RedisSessionStore after(session::CookieSecrets(bytes(new_secret), {bytes(kSecret)}), "_gh",
                                     {io.get_executor()}, client_for(server), {});
    std::string h1, h2;
    const auto old_jar = jar_from(create(before, test::alice()).set_cookies, h1);
    const auto new_jar = jar_from(create(after, test::alice()).set_cookies, h2);
    session::Session out;
    EXPECT_EQ(test::run_on(io, after.load(old_jar, test::kNow, out)), LoadResult::ok);
    EXPECT_EQ(test::run_on(io, after.load(new_jar, test::kNow, out)), LoadResult::ok);
    // Signing the user out everywhere ends the session made before the rotation too.
    const auto r = test::run_on(io, after.revoke(test::alice().user, ""));
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.ended, 2u);
    EXPECT_EQ(test::run_on(io, after.load(old_jar, test::kNow, out)), LoadResult::not_found);
    EXPECT_EQ(test::run_on(io, after.load(new_jar, test::kNow, out)), LoadResult::not_found);
}

TEST_F(RedisSessionStoreTest, TwoStoresWithTheSameSecretShareSessionsAsReplicasDo) {
    session::RedisSessionStore a(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    session::RedisSessionStore b(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    std::string header;
    const auto jar = jar_from(create(a, test::alice()).set_cookies, header);
    session::Session out;
    EXPECT_EQ(test::run_on(io, b.load(jar, test::kNow, out)), LoadResult::ok);
    test::run_on(io, b.destroy(jar, attrs));
    EXPECT_EQ(test::run_on(io, a.load(jar, test::kNow, out)), LoadResult::not_found);
}

TEST_F(RedisSessionStoreTest, TheLocalCacheNeverOutlivesItsTtl) {
    using namespace std::chrono_literals;
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server),
                                     {.cache_ttl = 300ms});
    std::string header;
    const auto jar = jar_from(create(store, test::alice()).set_cookies, header);
    session::Session out;
    // Cached by create on this thread: answered without Redis.
    EXPECT_EQ(store.load_now(jar, test::kNow, out), LoadResult::ok);
    // Revoked elsewhere (here: straight in Redis): the cache may still answer within its TTL ...
    raw({"FLUSHALL"});
    EXPECT_EQ(store.load_now(jar, test::kNow, out), LoadResult::ok);
    // ... but never after it.
    std::this_thread::sleep_for(350ms);
    EXPECT_EQ(store.load_now(jar, test::kNow, out), std::nullopt);
    EXPECT_EQ(test::run_on(io, store.load(jar, test::kNow, out)), LoadResult::not_found);
}

TEST_F(RedisSessionStoreTest, WithoutCacheEveryLoadAsksRedis) {
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    std::string header;
    const auto jar = jar_from(create(store, test::alice()).set_cookies, header);
    session::Session out;
    EXPECT_EQ(store.load_now(jar, test::kNow, out), std::nullopt);
}

TEST_F(RedisSessionStoreTest, RedisDownFailsClosedAndComesBack) {
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    std::string header;
    const auto jar = jar_from(create(store, test::alice()).set_cookies, header);
    session::Session out;
    server.pause();
    EXPECT_EQ(test::run_on(io, store.load(jar, test::kNow, out)), LoadResult::unavailable);
    EXPECT_FALSE(test::run_on(io, store.create(test::alice(), {}, attrs, test::kNow)).ok());
    server.resume();
    LoadResult r = LoadResult::unavailable;
    for (int i = 0; i < 20 && r == LoadResult::unavailable; ++i) r = test::run_on(io, store.load(jar, test::kNow, out));
    EXPECT_EQ(r, LoadResult::ok);
}

TEST_F(RedisSessionStoreTest, ARefreshDoesNotResurrectARevokedSession) {
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    std::string header;
    const auto jar = jar_from(create(store, test::alice()).set_cookies, header);
    raw({"FLUSHALL"});
    const auto updated = test::run_on(io, store.update(test::alice(), jar, attrs, test::kNow));
    EXPECT_FALSE(updated.ok());
    session::Session out;
    EXPECT_EQ(test::run_on(io, store.load(jar, test::kNow, out)), LoadResult::not_found);
}

// Issue 21, item 7: the per-user and per-IdP-session indexes got their TTL only when the session was created, so a
// session kept alive by refreshes outlived its index, and a back-channel logout then found nothing to end.
TEST_F(RedisSessionStoreTest, ASessionKeptAliveByRefreshesPastItsFirstTtlIsStillRevocable) {
    using namespace std::chrono_literals;
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    auto s = test::alice();
    s.idp_session_id = "sid-kept-alive";
    s.expires_at = test::kNow + 2;  // two seconds in Redis, from each write
    std::string h1, h2;
    const auto jar = jar_from(create(store, s).set_cookies, h1);
    const auto other_jar = jar_from(create(store, s).set_cookies, h2);  // the same user and IdP session, elsewhere
    // Both refreshed every 0.7 s for 2.8 s: they live on, past the first writes' two seconds (with 1.3 s to spare
    // for a slow machine before a session itself would lapse between two refreshes).
    for (int i = 0; i < 4; ++i) {
        std::this_thread::sleep_for(700ms);
        ASSERT_TRUE(test::run_on(io, store.update(s, jar, attrs, test::kNow)).ok());
        ASSERT_TRUE(test::run_on(io, store.update(s, other_jar, attrs, test::kNow)).ok());
    }
    session::Session out;
    ASSERT_EQ(test::run_on(io, store.load(jar, test::kNow, out)), LoadResult::ok);
    // The IdP session's index still names both (what a logout token with sid names) ...
    auto r = test::run_on(io, store.revoke("", "sid-kept-alive"));
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.ended, 2u);
    EXPECT_EQ(test::run_on(io, store.load(jar, test::kNow, out)), LoadResult::not_found);
    EXPECT_EQ(test::run_on(io, store.load(other_jar, test::kNow, out)), LoadResult::not_found);
    // ... and so does the user's (a logout token with sub only): nothing is left to end, nothing fails.
    const auto keys = raw({"KEYS", "_gh:sub:*"}).reply.elements;
    ASSERT_EQ(keys.size(), 1u) << "the user's index outlived its first TTL too";
    EXPECT_EQ(raw({"SCARD", keys[0].text}).reply.integer, 2);
    r = test::run_on(io, store.revoke(s.user, ""));
    EXPECT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.ended, 0u);
}

// A refresh re-adds its ticket to the indexes (one deleted or emptied meanwhile included), and an index lives at
// least as long as the longest session it names: a shorter session written later never shortens it.
TEST_F(RedisSessionStoreTest, EveryWriteReindexesAndAnIndexIsNeverShortened) {
    session::RedisSessionStore store(crypto::as_bytes(kSecret), "_gh", {io.get_executor()}, client_for(server), {});
    const auto index_ttls = [&] {
        std::vector<long long> ttls;
        for (const auto& key : raw({"KEYS", "_gh:s[iu][bd]:*"}).reply.elements) ttls.push_back(raw({"PTTL", key.text}).reply.integer);
        return ttls;
    };
    auto laptop = test::alice();
    laptop.idp_session_id = "sid-shared";
    laptop.expires_at = test::kNow + 3600;
    auto phone = laptop;
    phone.expires_at = test::kNow + 60;
    std::string h1, h2;
    const auto laptop_jar = jar_from(create(store, laptop).set_cookies, h1);
    const auto phone_jar = jar_from(create(store, phone).set_cookies, h2);
    ASSERT_EQ(index_ttls().size(), 2u);  // the user's and the IdP session's
    for (const auto ttl : index_ttls()) EXPECT_GT(ttl, 3590'000) << "the phone's 60 s shortened an index";
    ASSERT_TRUE(test::run_on(io, store.update(phone, phone_jar, attrs, test::kNow)).ok());
    for (const auto ttl : index_ttls()) EXPECT_GT(ttl, 3590'000) << "the phone's refresh shortened an index";

    // The indexes lost (evicted, or expired under an older version): the next refresh puts the ticket back.
    for (const auto& key : raw({"KEYS", "_gh:s[iu][bd]:*"}).reply.elements) raw({"DEL", key.text});
    laptop.expires_at = test::kNow + 7200;
    ASSERT_TRUE(test::run_on(io, store.update(laptop, laptop_jar, attrs, test::kNow)).ok());
    ASSERT_EQ(index_ttls().size(), 2u);
    for (const auto ttl : index_ttls()) {
        EXPECT_GT(ttl, 7190'000);
        EXPECT_LE(ttl, 7200'000);
    }
    // And a later refresh extends them with the session.
    laptop.expires_at = test::kNow + 9000;
    ASSERT_TRUE(test::run_on(io, store.update(laptop, laptop_jar, attrs, test::kNow)).ok());
    for (const auto ttl : index_ttls()) EXPECT_GT(ttl, 8990'000);
    const auto r = test::run_on(io, store.revoke("", "sid-shared"));
    EXPECT_EQ(r.ended, 1u);  // the laptop: the phone's membership went with the deleted indexes
    session::Session out;
    EXPECT_EQ(test::run_on(io, store.load(laptop_jar, test::kNow, out)), LoadResult::not_found);
}

}  // namespace
