#include "http/original_request.hpp"

#include <gtest/gtest.h>

using namespace gh::http;
namespace bhttp = boost::beast::http;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

Request::Message message(const Headers& headers, std::string target = "/oauth2/auth") {
    Request::Message m{bhttp::verb::get, target, 11};
    for (const auto& [k, v] : headers) m.insert(k, v);
    return m;
}

// The reading of `headers` from `source`: its canonical "METHOD host path ?query", or "refused: <why>".
std::string read(OriginalSource source, const Headers& headers, std::string target = "/oauth2/auth",
                 std::string_view prefix = {}) {
    const auto m = message(headers, std::move(target));
    const Request req(m);
    OriginalRequest out;
    if (const char* problem = read_original_request(req, source, out, prefix))
        return std::string("refused: ") + problem;
    std::string s =
        std::string(out.method) + " " + std::string(out.scheme) + " " + out.host + " " + std::string(out.path);
    if (!out.port.empty()) s += " port=" + std::string(out.port);
    if (!out.query.empty()) s += " ?" + std::string(out.query);
    return s;
}

bool refused(OriginalSource source, const Headers& headers) {
    return read(source, headers).starts_with("refused");
}

constexpr auto kOriginal = OriginalSource::x_original;
constexpr auto kForwarded = OriginalSource::x_forwarded;
constexpr auto kLine = OriginalSource::request_line;

}  // namespace

TEST(OriginalRequest, XOriginalReadsTheUrlAndTheMethod) {
    EXPECT_EQ(
        read(kOriginal, {{"X-Original-URL", "https://App.Example.com./admin?x=1"}, {"X-Original-Method", "POST"}}),
        "POST https app.example.com /admin ?x=1");
    EXPECT_EQ(read(kOriginal, {{"X-Original-URL", "http://app.example.com:8080/"}, {"X-Original-Method", "GET"}}),
              "GET http app.example.com / port=8080");
    // nginx's $request_uri always starts with '/': without one, the host ended early ("Host: app.example.com?").
    for (const char* url : {"http://app.example.com", "http://app.example.com?/admin", "http://app.example.com:80?/admin"})
        EXPECT_TRUE(refused(kOriginal, {{"X-Original-URL", url}, {"X-Original-Method", "GET"}})) << url;
}

TEST(OriginalRequest, XOriginalIgnoresTheOtherFamily) {
    const Headers h{{"X-Original-URL", "https://app.example.com/admin"},
                    {"X-Original-Method", "GET"},
                    {"X-Forwarded-Uri", "/public"},
                    {"X-Forwarded-Method", "OPTIONS"},
                    {"X-Forwarded-Host", "other"}};
    EXPECT_EQ(read(kOriginal, h), "GET https app.example.com /admin");
}

TEST(OriginalRequest, XForwardedReadsItsFourHeadersAndIgnoresXOriginal) {
    const Headers h{{"X-Forwarded-Method", "DELETE"},
                    {"X-Forwarded-Proto", "https"},
                    {"X-Forwarded-Host", "APP.example.com:443"},
                    {"X-Forwarded-Uri", "/admin;x?y"},
                    {"X-Original-URL", "https://app.example.com/public"},
                    {"X-Original-Method", "OPTIONS"}};
    EXPECT_EQ(read(kForwarded, h), "DELETE https app.example.com /admin;x port=443 ?y");
}

TEST(OriginalRequest, AnyHeaderOfTheSetTwiceIsRefused) {
    EXPECT_TRUE(refused(kOriginal, {{"X-Original-URL", "https://a.example/x"},
                                    {"X-Original-URL", "https://a.example/y"},
                                    {"X-Original-Method", "GET"}}));
    EXPECT_TRUE(refused(
        kOriginal,
        {{"X-Original-URL", "https://a.example/x"}, {"X-Original-Method", "GET"}, {"X-Original-Method", "OPTIONS"}}));
    const Headers base{{"X-Forwarded-Method", "GET"},
                       {"X-Forwarded-Proto", "https"},
                       {"X-Forwarded-Host", "a.example"},
                       {"X-Forwarded-Uri", "/x"}};
    for (const auto& [name, value] : base) {
        Headers twice = base;
        twice.emplace_back(name, value);
        EXPECT_TRUE(refused(kForwarded, twice)) << name;
    }
    // ...but a duplicate of the other family changes nothing.
    Headers other = base;
    other.emplace_back("X-Original-Method", "GET");
    other.emplace_back("X-Original-Method", "OPTIONS");
    EXPECT_FALSE(refused(kForwarded, other));
}

TEST(OriginalRequest, MissingHeadersAreRefusedNeverGuessed) {
    EXPECT_TRUE(refused(kOriginal, {{"X-Original-URL", "https://a.example/x"}}));
    EXPECT_TRUE(refused(kOriginal, {{"X-Original-Method", "GET"}}));
    EXPECT_TRUE(refused(kForwarded, {{"X-Forwarded-Method", "GET"}, {"X-Forwarded-Host", "a.example"}}));
    EXPECT_TRUE(refused(kForwarded, {{"X-Forwarded-Method", "GET"}, {"X-Forwarded-Uri", "/x"}}));
    EXPECT_TRUE(refused(kForwarded, {{"X-Forwarded-Host", "a.example"}, {"X-Forwarded-Uri", "/x"}}));
}

TEST(OriginalRequest, NotAbsoluteOrOddUrlsAreRefused) {
    for (const char* url :
         {"/admin", "app.example.com/admin", "ftp://a.example/x", "javascript:alert(1)", "https:///x",
          "https://user@a.example/x", "https://a.example#/public", "https://a.example/admin#/public",
          "https://a.example/a b", "https://a.example/\x01", "https://a.example\\@b.example/",
          "https://a.example:99999/", "https://a.example:/", "https://a.example:80:80/", "https://a..example/",
          "https://.a.example/", "https://a.example../", "https://a.example%2f/", "https://a,b.example/"})
        EXPECT_TRUE(refused(kOriginal, {{"X-Original-URL", url}, {"X-Original-Method", "GET"}})) << url;
    EXPECT_TRUE(refused(kOriginal, {{"X-Original-URL", "https://a.example/"}, {"X-Original-Method", "G ET"}}));
    EXPECT_TRUE(refused(kForwarded, {{"X-Forwarded-Method", "GET"},
                                     {"X-Forwarded-Proto", "https, http"},
                                     {"X-Forwarded-Host", "a.example"},
                                     {"X-Forwarded-Uri", "/x"}}));
    EXPECT_TRUE(refused(
        kForwarded,
        {{"X-Forwarded-Method", "GET"}, {"X-Forwarded-Host", "a.example, b.example"}, {"X-Forwarded-Uri", "/x"}}));
    EXPECT_TRUE(refused(
        kForwarded, {{"X-Forwarded-Method", "GET"}, {"X-Forwarded-Host", "a.example"}, {"X-Forwarded-Uri", "admin"}}));
    EXPECT_TRUE(refused(
        kForwarded,
        {{"X-Forwarded-Method", "GET"}, {"X-Forwarded-Host", "a.example"}, {"X-Forwarded-Uri", "/admin#/public"}}));
}

TEST(OriginalRequest, IpLiteralsKeepTheirBrackets) {
    EXPECT_EQ(read(kOriginal, {{"X-Original-URL", "http://[FD00::1]:8080/x"}, {"X-Original-Method", "GET"}}),
              "GET http [fd00::1] /x port=8080");
    EXPECT_EQ(read(kOriginal, {{"X-Original-URL", "http://10.0.0.1/x"}, {"X-Original-Method", "GET"}}),
              "GET http 10.0.0.1 /x");
    EXPECT_TRUE(refused(kOriginal, {{"X-Original-URL", "http://[fd00::1/x"}, {"X-Original-Method", "GET"}}));
    EXPECT_TRUE(refused(kOriginal, {{"X-Original-URL", "http://[zz::1]/x"}, {"X-Original-Method", "GET"}}));
}

TEST(OriginalRequest, RequestLineReadsTargetAndHostUnderAPrefix) {
    EXPECT_EQ(read(kLine, {{"Host", "App.Example.com."}}, "/oauth2/envoy/admin?x", "/oauth2/envoy"),
              "GET http app.example.com /admin ?x");
    EXPECT_TRUE(read(kLine, {{"Host", "app.example.com"}}, "/oauth2/envoy?/admin", "/oauth2/envoy").starts_with("refused"));
    EXPECT_TRUE(read(kLine, {}, "/x").starts_with("refused"));
    EXPECT_TRUE(read(kLine, {{"Host", "a.example"}, {"Host", "b.example"}}, "/x").starts_with("refused"));
    // Absolute form: the target's authority, whatever Host says (RFC 9112 §3.2.2).
    EXPECT_EQ(read(kLine, {{"Host", "other.example"}}, "http://app.example.com/admin"),
              "GET http app.example.com /admin");
}

TEST(OriginalRequest, UrlAndAuthorityRebuildWhatWasRead) {
    const auto m = message({{"X-Original-URL", "https://APP.example.com.:8443/a/b?c=d"}, {"X-Original-Method", "GET"}});
    const Request req(m);
    OriginalRequest out;
    ASSERT_EQ(read_original_request(req, kOriginal, out), nullptr);
    EXPECT_EQ(out.authority(), "app.example.com:8443");
    EXPECT_EQ(out.url(), "https://app.example.com:8443/a/b?c=d");
}
