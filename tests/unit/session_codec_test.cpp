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
