#include "crypto/base64.hpp"

#include <gtest/gtest.h>

using namespace gh::crypto;

TEST(Base64Url, RoundTripsEveryLengthUpTo64) {
    for (std::size_t n = 0; n <= 64; ++n) {
        Bytes data(n);
        for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i * 37 + n);
        const auto text = base64url_encode(data);
        EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
        Bytes back;
        ASSERT_TRUE(base64url_decode(text, back));
        EXPECT_EQ(back, data);
    }
}

TEST(Base64Url, MatchesRfc4648Vectors) {
    EXPECT_EQ(base64url_encode(as_bytes("f")), "Zg");
    EXPECT_EQ(base64url_encode(as_bytes("foob")), "Zm9vYg");
    EXPECT_EQ(base64url_encode(as_bytes("foobar")), "Zm9vYmFy");
}

TEST(Base64Url, RejectsForeignCharactersAndNonCanonicalTails) {
    Bytes out;
    EXPECT_FALSE(base64url_decode("Zm9v+mFy", out));
    EXPECT_FALSE(base64url_decode("Zm9v YmFy", out));
    EXPECT_FALSE(base64url_decode("Zg==", out));
    EXPECT_FALSE(base64url_decode("Zh", out));  // non-zero leftover bits
    EXPECT_FALSE(base64url_decode("Z", out));
}

TEST(Base64Any, AcceptsStandardAndUrlAlphabetsPaddedOrNot) {
    EXPECT_EQ(base64_decode_any("+/8=").value(), (Bytes{0xfb, 0xff}));
    EXPECT_EQ(base64_decode_any("-_8").value(), (Bytes{0xfb, 0xff}));
    EXPECT_FALSE(base64_decode_any("***"));
}
