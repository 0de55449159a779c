#include "options/cfg_file.hpp"

#include <gtest/gtest.h>

using namespace gh::options;

TEST(CfgFile, ParsesScalarsListsAndComments) {
    const auto r = parse_cfg(R"(# oauth2-proxy.cfg
http_address = "127.0.0.1:4180"
cookie_secure = false   # trailing comment
email_domains = ["example.com", 'example.org']
upstreams = [
  "static://200",
]
workers = 2
)");
    ASSERT_EQ(r.error, "");
    ASSERT_EQ(r.entries.size(), 5u);
    EXPECT_EQ(r.entries[0].key, "http_address");
    EXPECT_EQ(r.entries[0].values, (std::vector<std::string>{"127.0.0.1:4180"}));
    EXPECT_EQ(r.entries[1].values, (std::vector<std::string>{"false"}));
    EXPECT_TRUE(r.entries[2].is_list);
    EXPECT_EQ(r.entries[2].values, (std::vector<std::string>{"example.com", "example.org"}));
    EXPECT_EQ(r.entries[3].values, (std::vector<std::string>{"static://200"}));
    EXPECT_EQ(r.entries[4].line, 8);
}

TEST(CfgFile, ReportsTheLineOfAnError) {
    EXPECT_EQ(parse_cfg("a = \"x\"\nb = \"unterminated\n").error, "line 2: unterminated string");
    EXPECT_EQ(parse_cfg("a = 1\n\nb 2\n").error, "line 3: expected '=' after b");
    EXPECT_EQ(parse_cfg("a = [\"x\" \"y\"]").error, "line 1: expected ',' or ']' in list a");
    EXPECT_NE(parse_cfg("a = \"x\" junk").error, "");
}

TEST(CfgFile, ABackslashAtTheVeryEndIsAnErrorNotAnOverRead) {
    // Found by the cfg_file fuzzer (tests/fuzz/corpus/cfg_file/regression-trailing-backslash).
    const auto r = gh::options::parse_cfg("email_domains = [\"exmai\\\\\\");
    EXPECT_FALSE(r.error.empty());
}
