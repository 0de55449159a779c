#include "session/cookie_session_store.hpp"

#include <gtest/gtest.h>

#include "session/cookie_chunks.hpp"
#include "test_sessions.hpp"

using namespace gh::session;
using gh::test::kNow;

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef";

// Turns Set-Cookie values into the Cookie header a browser would send back.
std::string cookie_header_from(const std::vector<std::string>& set_cookies) {
    std::string header;
    for (const auto& sc : set_cookies) {
        const auto pair = sc.substr(0, sc.find(';'));
        if (pair.back() == '=') continue;  // a clearing cookie
        if (!header.empty()) header += "; ";
        header += pair;
    }
    return header;
}
}  // namespace

TEST(CookieSessionStore, SavedSessionLoadsBack) {
    CookieSessionStore store(gh::crypto::as_bytes(kSecret), "_oauth2_proxy");
    const auto set = store.save(gh::test::alice(), CookieJar{}, CookieAttributes{}, kNow);
    ASSERT_EQ(set.size(), 1u);
    const auto header = cookie_header_from(set);
    CookieJar jar;
    jar.add_header(header);
    Session out;
    ASSERT_EQ(store.load_now(jar, kNow, out), LoadResult::ok);
    EXPECT_EQ(out, gh::test::alice());
}

TEST(CookieSessionStore, LargeSessionIsChunkedAndLoadsBack) {
    CookieSessionStore store(gh::crypto::as_bytes(kSecret), "_oauth2_proxy");
    auto s = gh::test::alice();
    for (int i = 0; i < 300; ++i) s.groups.push_back("/org/department-" + std::to_string(i) + "/team");
    const auto set = store.save(s, CookieJar{}, CookieAttributes{}, kNow);
    ASSERT_GE(set.size(), 3u);
    for (const auto& c : set) EXPECT_LT(c.size(), 4096u);
    const auto header = cookie_header_from(set);
    CookieJar jar;
    jar.add_header(header);
    Session out;
    ASSERT_EQ(store.load_now(jar, kNow, out), LoadResult::ok);
    EXPECT_EQ(out.groups.size(), s.groups.size());
}

TEST(CookieSessionStore, SavingASmallerSessionClearsStaleChunks) {
    CookieSessionStore store(gh::crypto::as_bytes(kSecret), "_oauth2_proxy");
    CookieJar old;
    old.add_header("_oauth2_proxy_0=a; _oauth2_proxy_1=b; _oauth2_proxy_2=c; unrelated=1");
    const auto set = store.save(gh::test::alice(), old, CookieAttributes{}, kNow);
    ASSERT_EQ(set.size(), 4u);
    EXPECT_EQ(set[0].rfind("_oauth2_proxy=", 0), 0u);
    for (int i = 1; i <= 3; ++i) {
        EXPECT_NE(set[i].find("Max-Age=0"), std::string::npos);
        EXPECT_EQ(set[i].rfind("_oauth2_proxy_" + std::to_string(i - 1) + "=;", 0), 0u);
    }
}

TEST(CookieSessionStore, ReportsAbsentTamperedAndExpired) {
    CookieSessionStore store(gh::crypto::as_bytes(kSecret), "_oauth2_proxy");
    Session out;
    EXPECT_EQ(store.load_now(CookieJar{}, kNow, out), LoadResult::absent);
    CookieJar bad;
    bad.add_header("_oauth2_proxy=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_EQ(store.load_now(bad, kNow, out), LoadResult::tampered);
    const auto header = cookie_header_from(store.save(gh::test::alice(), CookieJar{}, CookieAttributes{}, kNow));
    CookieJar jar;
    jar.add_header(header);
    EXPECT_EQ(store.load_now(jar, gh::test::alice().expires_at + 1, out), LoadResult::expired);
}

TEST(SetCookie, WritesTheConfiguredAttributes) {
    CookieAttributes a;
    a.domain = ".example.com";
    a.max_age = 3600;
    a.same_site = SameSite::lax;
    const auto c = format_set_cookie("_oauth2_proxy", "v", a, 0);
    EXPECT_EQ(c, "_oauth2_proxy=v; Path=/; Domain=.example.com; HttpOnly; Secure; SameSite=Lax; "
                 "Expires=Thu, 01 Jan 1970 01:00:00 GMT; Max-Age=3600");
    a.secure = false;
    a.http_only = false;
    a.same_site = SameSite::unset;
    a.domain.clear();
    EXPECT_EQ(format_clearing_cookie("n", a), "n=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0");
}
