// --htpasswd-file: bcrypt entries only, refused at load otherwise; passwords checked with libcrypt's bcrypt.
// The hashes below were made with Apache's `htpasswd -nbB` (apache2-utils).
#include "credentials/htpasswd.hpp"

#include <gtest/gtest.h>

using gh::credentials::Htpasswd;

namespace {
const std::string kAlice = "alice:$2y$05$p8ZGD6i03YMWdpL87slP6OJOjP9jSGNX1AC0adUf12JYdbg2tDvbO";  // alice-password
const std::string kBob = "bob:$2y$05$0h896MRlMbyXvk0ySoLrkeN4fAajnnqoZrPmWOVBa72icc2Ut6cfe";      // "b:ob pass"
}  // namespace

TEST(Htpasswd, ReadsBcryptEntriesAndChecksPasswords) {
    const auto h = Htpasswd::parse("# team\n" + kAlice + "\r\n\n" + kBob + "\n");
    EXPECT_EQ(h.size(), 2u);
    ASSERT_NE(h.hash_of("alice"), nullptr);
    EXPECT_TRUE(Htpasswd::password_matches("alice-password", *h.hash_of("alice")));
    EXPECT_FALSE(Htpasswd::password_matches("alice-passwort", *h.hash_of("alice")));
    EXPECT_FALSE(Htpasswd::password_matches("", *h.hash_of("alice")));
    EXPECT_TRUE(Htpasswd::password_matches("b:ob pass", *h.hash_of("bob"))) << "a colon in the password";
    EXPECT_EQ(h.hash_of("carol"), nullptr);
    EXPECT_EQ(h.hash_of("Alice"), nullptr) << "user names are exact";
}

TEST(Htpasswd, RefusesEveryOtherFormatNamingTheLineAndTheFix) {
    const auto error_of = [](const std::string& text) {
        try {
            Htpasswd::parse(text);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(error_of(kAlice + "\nbob:{SHA}bOWgjgJew8XNjPXTyFghAc+ha1M=\n"),
              "line 2: user 'bob' has a {SHA} (SHA-1) password; only bcrypt is accepted (make it with: htpasswd -B "
              "FILE bob)");
    EXPECT_EQ(error_of("carol:$apr1$LotZJyIJ$VHrGNKyUodfL.pLoRJwMw0\n"),
              "line 1: user 'carol' has an $apr1$ (MD5) password; only bcrypt is accepted (make it with: htpasswd -B "
              "FILE carol)");
    EXPECT_EQ(error_of("dave:plaintext\n"), "line 1: user 'dave' has a password in an unknown format, or in plain "
                                             "text; only bcrypt is accepted (make it with: htpasswd -B FILE dave)");
    EXPECT_EQ(error_of("no-colon-here\n"), "line 1: not user:hash");
    EXPECT_EQ(error_of(":$2y$05$p8ZGD6i03YMWdpL87slP6OJOjP9jSGNX1AC0adUf12JYdbg2tDvbO\n"), "line 1: not user:hash");
    EXPECT_EQ(error_of(kAlice + "\n" + kAlice + "\n"), "line 2: user 'alice' appears twice");
    EXPECT_EQ(error_of(""), "accepted") << "an empty file: nobody may sign in with a password";
}

TEST(Htpasswd, AMalformedHashNeverMatches) {
    EXPECT_FALSE(Htpasswd::password_matches("x", "$2y$05$tooshort"));
    EXPECT_FALSE(Htpasswd::password_matches("x", "*0"));
}
