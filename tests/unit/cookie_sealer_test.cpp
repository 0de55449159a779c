#include "session/cookie_sealer.hpp"

#include <gtest/gtest.h>

#include "crypto/base64.hpp"
#include "test_sessions.hpp"

using namespace gh::session;
using gh::test::kNow;

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef";
CookieSealer sealer(std::string name = "_oauth2_proxy", std::string secret = kSecret) {
    return CookieSealer(gh::crypto::as_bytes(secret), std::move(name));
}
}  // namespace

TEST(CookieSealer, SealThenOpenRoundTrips) {
    const auto s = gh::test::alice();
    const auto value = sealer().seal(s);
    Session out;
    ASSERT_EQ(sealer().open(value, kNow, out), LoadResult::ok);
    EXPECT_EQ(out, s);
}

TEST(CookieSealer, ValueIsCookieSafeAndHidesTheContent) {
    const auto value = sealer().seal(gh::test::alice());
    EXPECT_EQ(value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    gh::crypto::Bytes raw;
    ASSERT_TRUE(gh::crypto::base64url_decode(value, raw));
    const std::string bytes(raw.begin(), raw.end());
    EXPECT_EQ(bytes.find("alice"), std::string::npos);
    EXPECT_EQ(bytes.find("at-123"), std::string::npos);
}

TEST(CookieSealer, RejectsAnyFlippedByte) {
    const auto value = sealer().seal(gh::test::alice());
    gh::crypto::Bytes raw;
    ASSERT_TRUE(gh::crypto::base64url_decode(value, raw));
    for (std::size_t i = 0; i < raw.size(); ++i) {
        for (std::uint8_t mask : {0x01, 0x80}) {
            auto tampered = raw;
            tampered[i] ^= mask;
            Session out;
            EXPECT_EQ(sealer().open(gh::crypto::base64url_encode(tampered), kNow, out), LoadResult::tampered)
                << "byte " << i;
        }
    }
}

TEST(CookieSealer, RejectsEveryFlippedCharacterOfTheCookieText) {
    const auto value = sealer().seal(gh::test::alice());
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto tampered = value;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        Session out;
        EXPECT_NE(sealer().open(tampered, kNow, out), LoadResult::ok) << "char " << i;
    }
}

TEST(CookieSealer, BindsTheCookieName) {
    const auto value = sealer("_oauth2_proxy_csrf").seal(gh::test::alice());
    Session out;
    EXPECT_EQ(sealer("_oauth2_proxy").open(value, kNow, out), LoadResult::tampered);
}

TEST(CookieSealer, RejectsAnotherSecret) {
    const auto value = sealer().seal(gh::test::alice());
    Session out;
    EXPECT_EQ(sealer("_oauth2_proxy", "fedcba9876543210fedcba9876543210").open(value, kNow, out),
              LoadResult::tampered);
}

TEST(CookieSealer, ARotatedSecretStillOpensOldCookiesAndSealsWithTheNewOne) {
    const std::string old_secret = kSecret, new_secret = "fedcba9876543210fedcba9876543210";
    const auto b = [](const std::string& s) { return gh::crypto::Bytes(s.begin(), s.end()); };
    const CookieSealer rotated(CookieSecrets(b(new_secret), {b("another-old-secret-of-32-bytes!!"), b(old_secret)}),
                               "_oauth2_proxy");
    const auto old_cookie = sealer().seal(gh::test::alice());
    Session out;
    EXPECT_EQ(rotated.open(old_cookie, kNow, out), LoadResult::ok);
    EXPECT_EQ(out, gh::test::alice());
    // New cookies are sealed with the new secret only: a replica still on the old secret cannot open them,
    // one that knows only the new secret can.
    const auto new_cookie = rotated.seal(gh::test::alice());
    EXPECT_EQ(sealer().open(new_cookie, kNow, out), LoadResult::tampered);
    EXPECT_EQ(sealer("_oauth2_proxy", new_secret).open(new_cookie, kNow, out), LoadResult::ok);
    // Once the old secret is dropped from the previous list, its cookies are refused.
    EXPECT_EQ(sealer("_oauth2_proxy", new_secret).open(old_cookie, kNow, out), LoadResult::tampered);
    // The login's CSRF payloads rotate the same way.
    gh::crypto::Bytes plain;
    EXPECT_TRUE(rotated.open_bytes(sealer().seal_bytes(b("state")), plain));
}

TEST(CookieSealer, ReportsExpiryAtAndAfterExpiresAt) {
    auto s = gh::test::alice();
    const auto value = sealer().seal(s);
    Session out;
    EXPECT_EQ(sealer().open(value, s.expires_at - 1, out), LoadResult::ok);
    EXPECT_EQ(sealer().open(value, s.expires_at, out), LoadResult::expired);
    EXPECT_EQ(sealer().open(value, s.expires_at + 86400, out), LoadResult::expired);
}

TEST(CookieSealer, RejectsGarbage) {
    Session out;
    EXPECT_EQ(sealer().open("not base64!", kNow, out), LoadResult::malformed);
    EXPECT_EQ(sealer().open("", kNow, out), LoadResult::tampered);
    EXPECT_EQ(sealer().open("AAAA", kNow, out), LoadResult::tampered);
}

// A thread remembers the sessions it opened (OpenedCookies); none of the checks above may be skipped for a value
// that thread has already seen, and what one sealer opened never answers for another.
TEST(CookieSealer, AValueOpenedBeforeOpensAgainToTheSameSession) {
    const auto s = sealer();
    const auto value = s.seal(gh::test::alice());
    Session first, second;
    ASSERT_EQ(s.open(value, kNow, first), LoadResult::ok);
    second.user = "left over from an earlier request";
    second.groups = {"/a", "/b", "/c", "/d"};
    ASSERT_EQ(s.open(value, kNow, second), LoadResult::ok);
    EXPECT_EQ(second, gh::test::alice());
}

TEST(CookieSealer, EveryFlippedCharacterIsRefusedAfterTheGenuineValueWasOpened) {
    const auto s = sealer();
    const auto value = s.seal(gh::test::alice());
    Session out;
    ASSERT_EQ(s.open(value, kNow, out), LoadResult::ok);
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto tampered = value;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        EXPECT_NE(s.open(tampered, kNow, out), LoadResult::ok) << "char " << i;
    }
    EXPECT_NE(s.open(value + "A", kNow, out), LoadResult::ok);
    EXPECT_NE(s.open(value.substr(1), kNow, out), LoadResult::ok);
    EXPECT_EQ(s.open(value, kNow, out), LoadResult::ok);
}

TEST(CookieSealer, AValueOneSealerOpenedIsStillRefusedByAnotherSecretOrCookieName) {
    const auto genuine = sealer();
    const auto value = genuine.seal(gh::test::alice());
    Session out;
    ASSERT_EQ(genuine.open(value, kNow, out), LoadResult::ok);
    EXPECT_EQ(sealer("_oauth2_proxy", "fedcba9876543210fedcba9876543210").open(value, kNow, out),
              LoadResult::tampered);
    EXPECT_EQ(sealer("_oauth2_proxy_csrf").open(value, kNow, out), LoadResult::tampered);
}

TEST(CookieSealer, ExpiryIsCheckedOnEveryOpenNotOnlyTheFirst) {
    const auto s = sealer();
    const auto session = gh::test::alice();
    const auto value = s.seal(session);
    Session out;
    EXPECT_EQ(s.open(value, session.expires_at - 1, out), LoadResult::ok);
    EXPECT_EQ(s.open(value, session.expires_at, out), LoadResult::expired);
    EXPECT_EQ(s.open(value, session.expires_at - 1, out), LoadResult::ok);
}

TEST(CookieSealer, ManyUsersOnOneThreadEachGetTheirOwnSession) {
    // More users than the per-thread table has slots: collisions overwrite, never mix up.
    const auto s = sealer();
    std::vector<std::string> values;
    for (int i = 0; i < 1500; ++i) {
        auto session = gh::test::alice();
        session.user = "user-" + std::to_string(i);
        values.push_back(s.seal(session));
    }
    Session out;
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < 1500; ++i) {
            ASSERT_EQ(s.open(values[i], kNow, out), LoadResult::ok);
            ASSERT_EQ(out.user, "user-" + std::to_string(i));
        }
}
