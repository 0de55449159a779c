#include "session/session_codec.hpp"

#include <gtest/gtest.h>

#include "test_sessions.hpp"

using namespace gh::session;
using gh::crypto::Bytes;

TEST(SessionCodec, RoundTripsEveryField) {
    const Session s = gh::test::alice();
    Bytes bytes;
    encode_session(s, bytes);
    Session back;
    ASSERT_TRUE(decode_session(bytes, back));
    EXPECT_EQ(back, s);
}

TEST(SessionCodec, RoundTripsEmptySession) {
    Bytes bytes;
    encode_session(Session{}, bytes);
    Session back = gh::test::alice();
    ASSERT_TRUE(decode_session(bytes, back));
    EXPECT_EQ(back, Session{});
}

TEST(SessionCodec, RejectsEveryTruncationAndTrailingBytes) {
    Bytes bytes;
    encode_session(gh::test::alice(), bytes);
    Session out;
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_session({bytes.data(), n}, out)) << "length " << n;
    bytes.push_back(0);
    EXPECT_FALSE(decode_session(bytes, out));
}

TEST(SessionCodec, RejectsUnknownVersionAndHugeLengths) {
    Bytes bytes;
    encode_session(gh::test::alice(), bytes);
    Session out;
    bytes[0] = 99;
    EXPECT_FALSE(decode_session(bytes, out));
    const Bytes huge{1, 0xff, 0xff, 0xff, 0xff, 0x0f};
    EXPECT_FALSE(decode_session(huge, out));
}

TEST(SessionCodec, APasswordFormSessionAddsOneTrailingTagAndNothingElseChanges) {
    Session s = gh::test::alice();
    Bytes plain, marked;
    encode_session(s, plain);
    s.from_htpasswd = true;
    encode_session(s, marked);
    // Every other session encodes as before: replicas of the previous version read them during an upgrade.
    ASSERT_EQ(marked.size(), plain.size() + 1);
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), marked.begin()));
    Session back;
    ASSERT_TRUE(decode_session(marked, back));
    EXPECT_TRUE(back.from_htpasswd);
    EXPECT_EQ(back, s);
    ASSERT_TRUE(decode_session(plain, back));
    EXPECT_FALSE(back.from_htpasswd) << "a reused Session forgets the mark of the one decoded before";
    marked.back() = 2;
    EXPECT_FALSE(decode_session(marked, back)) << "an unknown tag";
    marked.back() = 1;
    marked.push_back(1);
    EXPECT_FALSE(decode_session(marked, back)) << "bytes after the tag";
}
