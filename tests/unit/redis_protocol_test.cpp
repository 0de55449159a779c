#include <gtest/gtest.h>

#include "redis/endpoint.hpp"
#include "redis/key_slot.hpp"
#include "redis/resp.hpp"

using namespace gh::redis;

TEST(RedisEndpoint, ParsesTheUrlFormsOauth2ProxyAccepts) {
    std::string why;
    auto e = parse_endpoint("redis://127.0.0.1:6380/3", why);
    ASSERT_TRUE(e) << why;
    EXPECT_EQ(e->host, "127.0.0.1");
    EXPECT_EQ(e->port, 6380);
    EXPECT_EQ(e->db, 3);
    EXPECT_FALSE(e->tls);

    e = parse_endpoint("rediss://alice:p%40ss@redis.internal", why);
    ASSERT_TRUE(e) << why;
    EXPECT_TRUE(e->tls);
    EXPECT_EQ(e->port, 6379);
    EXPECT_EQ(e->username, "alice");
    EXPECT_EQ(e->password, "p@ss");

    e = parse_endpoint("redis://:secret@[::1]:7000", why);
    ASSERT_TRUE(e) << why;
    EXPECT_EQ(e->host, "::1");
    EXPECT_EQ(e->username, "");
    EXPECT_EQ(e->password, "secret");
    EXPECT_EQ(e->address(), "[::1]:7000");
}

TEST(RedisEndpoint, RefusesWhatIsNotARedisUrlWithoutShowingThePassword) {
    std::string why;
    EXPECT_FALSE(parse_endpoint("http://r:6379", why));
    EXPECT_FALSE(parse_endpoint("redis://:pw@", why));
    EXPECT_EQ(why, "has no host");
    EXPECT_FALSE(parse_endpoint("redis://r:0", why));
    EXPECT_FALSE(parse_endpoint("redis://r:6379/x", why));
    EXPECT_FALSE(parse_endpoint("redis://user:topsecret@r:99999", why));
    EXPECT_EQ(why.find("topsecret"), std::string::npos);
}

TEST(RedisKeySlot, MatchesRedisClusterKeyslot) {
    // Values printed by `redis-cli CLUSTER KEYSLOT` (the cluster specification's examples).
    EXPECT_EQ(key_slot("foo"), 12182);
    EXPECT_EQ(key_slot("somekey"), 11058);
    EXPECT_EQ(key_slot("foo{hash_tag}"), 2515);
    EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
    // An empty tag does not count: the whole key is hashed.
    EXPECT_NE(key_slot("foo{}{bar}"), key_slot("bar"));
    EXPECT_EQ(key_slot("foo{{bar}}zap"), key_slot("{bar"));
}

TEST(RedisResp, FormatsCommandsAsArraysOfBulkStrings) {
    std::string out;
    append_command(out, {"SET", "k", std::string_view("a\0b", 3)});
    EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n" + std::string("a\0b", 3) + "\r\n");
}

TEST(RedisResp, ReadsRepliesSplitAnywhere) {
    const std::string wire = "+OK\r\n$5\r\nhello\r\n$-1\r\n:42\r\n-ERR wrong\r\n*2\r\n$1\r\na\r\n:7\r\n";
    for (std::size_t split = 0; split <= wire.size(); ++split) {
        ReplyReader reader;
        std::vector<Reply> replies;
        Reply r;
        for (const auto part : {std::string_view(wire).substr(0, split), std::string_view(wire).substr(split)}) {
            ASSERT_TRUE(reader.feed(part));
            while (reader.next(r) == ReplyReader::Status::reply) replies.push_back(r);
        }
        ASSERT_EQ(replies.size(), 6u) << "split at " << split;
        EXPECT_EQ(replies[0].type, Reply::Type::status);
        EXPECT_EQ(replies[1].text, "hello");
        EXPECT_TRUE(replies[2].is_nil());
        EXPECT_EQ(replies[3].integer, 42);
        EXPECT_TRUE(replies[4].is_error_kind("ERR"));
        ASSERT_EQ(replies[5].elements.size(), 2u);
        EXPECT_EQ(replies[5].elements[1].integer, 7);
    }
}

TEST(RedisResp, ReportsAProtocolError) {
    ReplyReader reader;
    reader.feed("?bogus\r\n");
    Reply r;
    EXPECT_EQ(reader.next(r), ReplyReader::Status::protocol_error);
}
