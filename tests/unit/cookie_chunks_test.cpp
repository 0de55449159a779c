#include "session/cookie_chunks.hpp"

#include <gtest/gtest.h>

using namespace gh::session;

namespace {
CookieJar jar_of(const std::vector<NamedValue>& parts, std::vector<std::string>& storage) {
    std::string header;
    for (const auto& p : parts) {
        if (!header.empty()) header += "; ";
        header += p.name + "=" + std::string(p.value);
    }
    storage.push_back(header);
    CookieJar jar;
    jar.add_header(storage.back());
    return jar;
}
}  // namespace

TEST(CookieChunks, KeepsOneCookieUpToTheLimitAndSplitsOneByteLater) {
    const std::string name = "_oauth2_proxy";
    const std::size_t fits = kMaxCookieBytes - name.size() - 1;
    auto one = split_into_chunks(name, std::string(fits, 'a'));
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].name, name);
    auto two = split_into_chunks(name, std::string(fits + 1, 'a'));
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].name, name + "_0");
    EXPECT_EQ(two[1].name, name + "_1");
    for (const auto& c : two) EXPECT_LE(c.name.size() + 1 + c.value.size(), kMaxCookieBytes);
}

TEST(CookieChunks, SplitThenJoinRoundTripsAroundEveryBoundary) {
    const std::string name = "_oauth2_proxy";
    for (std::size_t size : {1ul, 3986ul, 3987ul, 3988ul, 7972ul, 7973ul, 7974ul, 12000ul}) {
        std::string value(size, 'x');
        for (std::size_t i = 0; i < size; ++i) value[i] = static_cast<char>('a' + i % 26);
        std::vector<std::string> storage;
        const auto parts = split_into_chunks(name, value);
        for (const auto& p : parts) EXPECT_LE(p.name.size() + 1 + p.value.size(), kMaxCookieBytes);
        auto jar = jar_of(parts, storage);
        std::string scratch;
        const auto joined = join_chunks(jar, name, scratch);
        ASSERT_TRUE(joined) << size;
        EXPECT_EQ(*joined, value) << size;
    }
}

TEST(CookieChunks, JoinStopsAtAGapAndReportsAbsence) {
    CookieJar jar;
    jar.add_header("s_0=ab; s_2=ef; other=1");
    std::string scratch;
    EXPECT_EQ(join_chunks(jar, "s", scratch).value(), "ab");
    EXPECT_FALSE(join_chunks(jar, "missing", scratch));
}

TEST(CookieChunks, FindsPlainAndChunkNamesButNotLookAlikes) {
    CookieJar jar;
    jar.add_header("s=1; s_0=2; s_12=3; s_x=4; s_=5; ss_0=6");
    EXPECT_EQ(cookie_names_of(jar, "s"), (std::vector<std::string>{"s", "s_0", "s_12"}));
}

TEST(CookieJar, ParsesSeparatorsQuotesAndSeveralHeaders) {
    CookieJar jar;
    jar.add_header("a=1;b=\"two\" ;  c = 3; novalue; =x");
    jar.add_header("d=4");
    EXPECT_EQ(jar.get("a").value(), "1");
    EXPECT_EQ(jar.get("b").value(), "two");
    EXPECT_EQ(jar.get("c").value(), "3");
    EXPECT_EQ(jar.get("d").value(), "4");
    EXPECT_FALSE(jar.get("novalue"));
    EXPECT_EQ(jar.all().size(), 4u);
}
