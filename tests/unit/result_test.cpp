// gh::Result, the error type of the configuration and file-loading paths: a value or its problems, never both.
#include "result/result.hpp"

#include <gtest/gtest.h>

#include <memory>

using gh::Error;
using gh::ErrorCode;
using gh::Errors;
using gh::failure;
using gh::Result;

namespace {

Result<int> half(int n) {
    if (n % 2) return failure(ErrorCode::invalid_value, std::to_string(n) + " is odd");
    return n / 2;
}

}  // namespace

TEST(Result, HoldsAValueOrAProblem) {
    const auto ok = half(8);
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok.ok());
    EXPECT_EQ(*ok, 4);
    const auto odd = half(3);
    ASSERT_FALSE(odd);
    EXPECT_EQ(odd.error().code, ErrorCode::invalid_value);
    EXPECT_EQ(odd.error().message, "3 is odd");
    // Asking a failed result for its value is the caller's bug, said with the problem.
    EXPECT_THROW(static_cast<void>(odd.value()), std::logic_error);
}

TEST(Result, AStringValueIsNeverTakenForAMessage) {
    const Result<std::string> text = std::string("line 1: not user:hash");
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, "line 1: not user:hash");
    const Result<std::string> refused = failure(ErrorCode::malformed, "not user:hash", 1);
    EXPECT_FALSE(refused);
}

TEST(Result, MovesAValueOutAndConvertsIt) {
    Result<std::unique_ptr<int>> owned = std::make_unique<int>(7);
    const std::unique_ptr<int> taken = std::move(owned).value();
    EXPECT_EQ(*taken, 7);
    const Result<std::shared_ptr<const int>> shared = std::make_shared<int>(9);  // converted on the way in
    EXPECT_EQ(**shared, 9);
}

TEST(Result, CarriesEveryProblemOfALoaderAndWrapsASingleOne) {
    const Result<int, Errors> many = failure(Errors{{.message = "first", .line = 2}, {.message = "second", .line = 5}});
    ASSERT_FALSE(many);
    ASSERT_EQ(many.error().size(), 2u);
    EXPECT_EQ(many.error()[1].line, 5);
    const Result<int, Errors> one = failure(ErrorCode::unreadable_file, "cannot read /etc/x");
    ASSERT_EQ(one.error().size(), 1u);
    EXPECT_EQ(one.error()[0].code, ErrorCode::unreadable_file);
}

TEST(Result, VoidSaysOnlyWhetherAStepWorked) {
    const Result<void> done;
    EXPECT_TRUE(done);
    const Result<void, Errors> refused = failure(ErrorCode::unsupported, "no");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().front().message, "no");
}

TEST(Result, DescribesAProblemAsOneLineWithWhatIsKnown) {
    EXPECT_EQ(describe(Error{.message = "cannot read /p"}), "cannot read /p");
    EXPECT_EQ(describe(Error{.message = "unknown key 'x'", .line = 3}), "line 3: unknown key 'x'");
    EXPECT_EQ(describe(Error{.message = "unknown key 'x'", .source = "/p.yaml", .line = 3}),
              "/p.yaml: line 3: unknown key 'x'");
    // found_in names where the text came from, for problems that do not name it already.
    const auto named = gh::found_in({{.message = "a", .line = 1}, {.message = "b", .source = "elsewhere"}}, "/p.yaml");
    EXPECT_EQ(describe(named[0]), "/p.yaml: line 1: a");
    EXPECT_EQ(describe(named[1]), "elsewhere: b");
}

TEST(Result, TheThrowingFormsThrowTheFirstProblem) {
    EXPECT_EQ(gh::value_or_throw<std::invalid_argument>(half(4)), 2);
    try {
        static_cast<void>(gh::value_or_throw<std::invalid_argument>(
            Result<int, Errors>(failure(Errors{{.message = "first", .line = 2}, {.message = "second"}}))));
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "line 2: first");
    }
    EXPECT_THROW(gh::throw_if_failed<std::runtime_error>(Result<void>(failure(ErrorCode::malformed, "x"))),
                 std::runtime_error);
}
