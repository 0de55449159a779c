#include "authz/email_list.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "test_stack.hpp"

using gh::authz::EmailList;
using gh::authz::WatchedEmailList;

TEST(EmailList, ParsesLinesCaseInsensitivelySkippingBlanksAndComments) {
    const auto list = EmailList::parse("# partners\nGuest@Partner.test\n\n  other@partner.test  \r\n");
    EXPECT_EQ(list.size(), 2u);
    EXPECT_TRUE(list.contains("guest@partner.test"));
    EXPECT_TRUE(list.contains("OTHER@partner.test"));
    EXPECT_FALSE(list.contains("# partners"));
    EXPECT_FALSE(list.contains(""));
    EXPECT_FALSE(list.contains("partner.test"));
}

TEST(WatchedEmailList, ReloadsWhenTheFileChangesAndKeepsTheListWhenItVanishes) {
    const auto path = std::filesystem::temp_directory_path() / ("gatehouse-emails-" + std::to_string(::getpid()));
    std::ofstream(path) << "a@x.test\n";
    WatchedEmailList watched("--authenticated-emails-file", path.string(), &EmailList::parse);
    EXPECT_TRUE(watched.current()->contains("a@x.test"));
    EXPECT_FALSE(watched.current()->contains("b@x.test"));
    std::ofstream(path) << "a@x.test\nb@x.test\n";  // size changes, so no sleep is needed for mtime granularity
    EXPECT_EQ(watched.reload_if_changed(), "");
    EXPECT_TRUE(watched.current()->contains("b@x.test"));
    std::filesystem::remove(path);
    EXPECT_NE(watched.reload_if_changed(), "");
    EXPECT_TRUE(watched.current()->contains("b@x.test"));
    EXPECT_THROW(WatchedEmailList("--authenticated-emails-file", "/nonexistent/emails", &EmailList::parse),
                 std::runtime_error);
}

TEST(GateWithEmailList, ADomainMatchOrAListedAddressLetsAUserIn) {
    const auto path = std::filesystem::temp_directory_path() / ("gatehouse-emails-gate-" + std::to_string(::getpid()));
    std::ofstream(path) << "guest@partner.test\n";
    WatchedEmailList watched("--authenticated-emails-file", path.string(), &EmailList::parse);
    gh::test::Stack stack({"--email-domain=example.com", "--authenticated-emails-file=" + path.string()});
    const gh::gate::Gate gate(gh::options::gate_config(*stack.options), stack.store, stack.clock, &watched);
    using gh::gate::Reason;
    EXPECT_EQ(gate.check_identity("alice@example.com", {}), Reason::allowed);
    EXPECT_EQ(gate.check_identity("guest@partner.test", {}), Reason::allowed);
    EXPECT_EQ(gate.check_identity("other@partner.test", {}), Reason::email_not_in_authenticated_emails);
    std::filesystem::remove(path);
}
