// Every row of the flag table is one flag: reachable as a command-line flag, as its OAUTH2_PROXY_* variable and
// as its cfg key, filling a field of its own, with a default its own parser accepts.
#include <gtest/gtest.h>

#include <set>

#include "options/flag_table.hpp"
#include "options/options.hpp"
#include "options/raw_config.hpp"
#include "test_options.hpp"

namespace gh::options {
namespace {

// A value of the row's type, so that a list row is written as a list in the cfg file.
std::string cfg_line(const FlagSpec& flag) {
    const std::string key(flag.cfg_key);
    if (flag.type() == FlagType::list) return key + " = [ \"x\" ]\n";
    if (flag.type() == FlagType::boolean) return key + " = true\n";
    return key + " = \"x\"\n";
}

TEST(FlagTable, EveryRowIsReachableAsAFlagAnEnvironmentVariableAndACfgKey) {
    for (const auto& flag : flag_table()) {
        if (flag_only(flag)) continue;  // names a file itself (--config, --alpha-config): a flag only, by design
        SCOPED_TRACE(std::string(flag.name));
        const auto from_flag = collect_raw_config({"--" + std::string(flag.name) + "=x"}, {}, test::files({}));
        EXPECT_TRUE(from_flag.errors.empty());
        EXPECT_EQ(from_flag.of(flag).source, Source::flag);
        EXPECT_EQ(from_flag.of(flag).values, std::vector<std::string>{"x"});

        const auto from_env = collect_raw_config({}, {{env_name(flag), "x"}}, test::files({}));
        EXPECT_TRUE(from_env.errors.empty());
        EXPECT_EQ(from_env.of(flag).source, Source::env);
        EXPECT_EQ(from_env.of(flag).origin, env_name(flag));

        const auto from_cfg = collect_raw_config({"--config=c.cfg"}, {}, test::files({{"c.cfg", cfg_line(flag)}}));
        EXPECT_TRUE(from_cfg.errors.empty()) << (from_cfg.errors.empty() ? "" : from_cfg.errors.front());
        EXPECT_EQ(from_cfg.of(flag).source, Source::cfg_file);
    }
}

TEST(FlagTable, EveryRowFillsAFieldOfItsOwn) {
    std::set<std::size_t> offsets;
    for (const auto& flag : flag_table())
        EXPECT_TRUE(offsets.insert(flag.bind.field_offset()).second) << "--" << flag.name << " shares its field";
}

TEST(FlagTable, EveryDefaultIsAcceptedByItsRowsParser) {
    for (const auto& flag : flag_table()) {
        Options o;
        std::vector<std::string> problems;
        std::vector<std::string> values;
        if (!flag.default_value.empty()) values.emplace_back(flag.default_value);
        flag.bind.assign(o, values, problems);
        EXPECT_TRUE(problems.empty()) << "--" << flag.name << ": " << (problems.empty() ? "" : problems.front());
    }
}

TEST(FlagTable, NamesAndKeysAreUniqueAndNotAlsoUnsupported) {
    std::set<std::string_view> names, keys;
    for (const auto& flag : flag_table()) {
        EXPECT_TRUE(names.insert(flag.name).second) << flag.name;
        EXPECT_TRUE(keys.insert(flag.cfg_key).second) << flag.cfg_key;
        EXPECT_EQ(find_unsupported_flag(flag.name), nullptr) << flag.name;
    }
}

}  // namespace
}  // namespace gh::options

namespace gh::options {
namespace {

std::vector<std::string> errors_of(std::vector<std::string> flags) {
    return parse_options(test::base_args(std::move(flags)), {}, test::files({})).errors;
}

// Found by running the flag table's parser against the one it replaced on 2,000 configurations: these two lost or
// gained a line.
TEST(FlagTable, ABadNumberDoesNotMakeAnotherFlagLookWrong) {
    EXPECT_EQ(errors_of({"--max-header-bytes=x", "--max-url-length=500"}),
              (std::vector<std::string>{"--max-header-bytes: 'x' must be a whole number from 1024 to 1048576"}));
}

TEST(FlagTable, AnEmptyCookieNameIsRefused) {
    EXPECT_EQ(errors_of({"--cookie-name="}),
              (std::vector<std::string>{"--cookie-name: must not be empty (no session cookie could be set or read)"}));
}

TEST(FlagTable, GrpcTlsWithoutFilesIsReportedBesideHttpsWithoutFiles) {
    EXPECT_EQ(errors_of({"--grpc-tls", "--https-address=127.0.0.1:8443"}),
              (std::vector<std::string>{"--tls-cert-file: missing (required by --https-address)",
                                        "--tls-key-file: missing (required by --https-address)",
                                        "--grpc-tls: needs --tls-cert-file and --tls-key-file"}));
}

}  // namespace
}  // namespace gh::options
