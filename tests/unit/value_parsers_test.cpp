#include "options/value_parsers.hpp"

#include <gtest/gtest.h>

using namespace gh::options;
using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsGoSyntax) {
    EXPECT_EQ(parse_duration("168h"), milliseconds(168LL * 3600 * 1000));
    EXPECT_EQ(parse_duration("1h30m"), milliseconds(90LL * 60 * 1000));
    EXPECT_EQ(parse_duration("1.5s"), milliseconds(1500));
    EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
    EXPECT_EQ(parse_duration("0"), milliseconds(0));
}

TEST(ParseDuration, RejectsMissingOrUnknownUnits) {
    for (auto bad : {"", "10", "7x", "h", "1h30", "-5s", "1 h"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(ParseBool, FollowsGoStrconv) {
    EXPECT_EQ(parse_bool("true"), true);
    EXPECT_EQ(parse_bool("1"), true);
    EXPECT_EQ(parse_bool("F"), false);
    EXPECT_FALSE(parse_bool("yes"));
}

TEST(ParseListenAddress, AcceptsTheThreeForms) {
    auto a = parse_listen_address("0.0.0.0:4180");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "0.0.0.0");
    EXPECT_EQ(a->port, 4180);
    a = parse_listen_address(":4180");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "0.0.0.0");
    a = parse_listen_address("127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    a = parse_listen_address("[::1]:4180");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "::1");
    a = parse_listen_address("http://127.0.0.1:4180");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->port, 4180);
}

TEST(ParseListenAddress, RejectsBadPortsAndShapes) {
    for (auto bad : {"4180", "host:", "host:0", "host:70000", "host:12ab", "::1:4180", "[::1]4180"})
        EXPECT_FALSE(parse_listen_address(bad)) << bad;
}

TEST(ParseCookieSecret, AcceptsRawAndBase64OfValidLengths) {
    EXPECT_EQ(parse_cookie_secret("0123456789abcdef")->size(), 16u);
    EXPECT_EQ(parse_cookie_secret("0123456789abcdef0123456789abcdef")->size(), 32u);
    // 32 random bytes as `openssl rand -base64 32` prints them.
    EXPECT_EQ(parse_cookie_secret("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=")->size(), 32u);
    EXPECT_EQ(parse_cookie_secret("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA")->size(), 32u);
    EXPECT_FALSE(parse_cookie_secret("short"));
    EXPECT_FALSE(parse_cookie_secret("0123456789abcdef0"));
}

TEST(ParseHttpUrl, AcceptsHttpAndHttpsWithHost) {
    auto u = parse_http_url("https://idp.example.com:8443/realms/x");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "idp.example.com");
    EXPECT_EQ(u->port, 8443);
    EXPECT_EQ(u->path, "/realms/x");
    for (auto bad : {"idp.example.com", "ftp://x", "https://", "https://user@host/", "https://:80/"})
        EXPECT_FALSE(parse_http_url(bad)) << bad;
}

TEST(AppendListItems, SplitsOnCommasAndTrims) {
    std::vector<std::string> out;
    append_list_items("a, b,,c", out);
    EXPECT_EQ(out, (std::vector<std::string>{"a", "b", "c"}));
}
