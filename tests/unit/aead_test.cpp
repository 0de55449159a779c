#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include "crypto/hkdf.hpp"

using namespace gh::crypto;

namespace {
AeadKey test_key(std::uint8_t seed) {
    AeadKey k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed + i);
    return k;
}
}  // namespace

TEST(Aead, SealThenOpenRoundTrips) {
    Bytes sealed, opened;
    aead_seal(test_key(1), as_bytes("hello"), as_bytes("ad"), sealed);
    EXPECT_EQ(sealed.size(), 5 + kAeadOverhead);
    ASSERT_TRUE(aead_open(test_key(1), sealed, as_bytes("ad"), opened));
    EXPECT_EQ(std::string(opened.begin(), opened.end()), "hello");
}

TEST(Aead, UsesAFreshNonceEachTime) {
    Bytes a, b;
    aead_seal(test_key(1), as_bytes("same"), {}, a);
    aead_seal(test_key(1), as_bytes("same"), {}, b);
    EXPECT_NE(a, b);
}

TEST(Aead, RejectsWrongKeyWrongAssociatedDataAndTruncation) {
    Bytes sealed, opened;
    aead_seal(test_key(1), as_bytes("hello"), as_bytes("ad"), sealed);
    EXPECT_FALSE(aead_open(test_key(2), sealed, as_bytes("ad"), opened));
    EXPECT_FALSE(aead_open(test_key(1), sealed, as_bytes("other"), opened));
    Bytes cut(sealed.begin(), sealed.end() - 1);
    EXPECT_FALSE(aead_open(test_key(1), cut, as_bytes("ad"), opened));
    EXPECT_FALSE(aead_open(test_key(1), Bytes(5), as_bytes("ad"), opened));
    EXPECT_TRUE(opened.empty());
}

TEST(Hkdf, MatchesRfc5869TestCase1) {
    const Bytes ikm(22, 0x0b);
    const std::string salt{"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 13};
    const std::string info{"\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9", 10};
    const auto okm = hkdf_sha256(ikm, salt, info, 42);
    EXPECT_EQ(okm[0], 0x3c);
    EXPECT_EQ(okm[1], 0xb2);
    EXPECT_EQ(okm[41], 0x65);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST(ConstantTimeEqual, FindsADifferenceInAnyByteOfAnyLength) {
    // Lengths around the 8-byte steps, a difference in every position and every bit.
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string a(n, '\0');
        for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
        EXPECT_TRUE(constant_time_equal(a, std::string(a))) << n;
        for (std::size_t i = 0; i < n; ++i)
            for (int bit = 0; bit < 8; ++bit) {
                std::string b = a;
                b[i] = static_cast<char>(b[i] ^ (1 << bit));
                ASSERT_FALSE(constant_time_equal(a, b)) << "length " << n << " byte " << i << " bit " << bit;
            }
    }
}
