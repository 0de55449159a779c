// The per-thread tables of opened cookie values: exact matches only, per sealer, bounded.
#include "session/opened_values.hpp"

#include <gtest/gtest.h>

#include "test_sessions.hpp"

using gh::session::OpenedCookies;
using gh::session::Session;

TEST(OpenedValues, AnswersOnlyForTheSameValueAndTheSameSealer) {
    OpenedCookies opened;
    const std::string value = "nonce-and-ciphertext-and-TAGTAGTAGTAG";
    Session out;
    EXPECT_FALSE(opened.find(1, value, out)) << "empty";
    opened.remember(1, value, gh::test::alice());
    ASSERT_TRUE(opened.find(1, value, out));
    EXPECT_EQ(out, gh::test::alice());
    EXPECT_FALSE(opened.find(2, value, out)) << "another sealer";
    std::string other_prefix = value;
    other_prefix[0] = 'N';  // same tail, so the same slot
    EXPECT_FALSE(opened.find(1, other_prefix, out));
    EXPECT_FALSE(opened.find(1, "x" + value, out)) << "longer, same tail";
}

TEST(OpenedValues, ShortValuesAreNeverRemembered) {
    OpenedCookies opened;
    Session out;
    opened.remember(1, "short", gh::test::alice());
    EXPECT_FALSE(opened.find(1, "short", out));
}

TEST(OpenedValues, ASlotTakenByAnotherValueNoLongerAnswersForTheFirst) {
    OpenedCookies opened;
    const std::string first = "first-value-same-tail-12345678";
    const std::string second = "second-value-same-tail-12345678";  // same last 8 characters
    auto bob = gh::test::alice();
    bob.user = "bob";
    opened.remember(1, first, gh::test::alice());
    opened.remember(1, second, bob);
    Session out;
    EXPECT_FALSE(opened.find(1, first, out));
    ASSERT_TRUE(opened.find(1, second, out));
    EXPECT_EQ(out.user, "bob");
}
