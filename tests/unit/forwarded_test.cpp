#include "http/forwarded.hpp"
#include "login/redirect_target.hpp"

#include <gtest/gtest.h>

using namespace gh::http;
namespace bhttp = boost::beast::http;

namespace {
Request::Message message(std::vector<std::pair<std::string, std::string>> headers) {
    Request::Message m{bhttp::verb::get, "/oauth2/start?rd=x", 11};
    m.set(bhttp::field::host, "gatehouse:4180");
    for (const auto& [k, v] : headers) m.insert(k, v);
    return m;
}
}  // namespace

TEST(OriginalUrl, IgnoresForwardedHeadersWithoutReverseProxy) {
    const auto m = message({{"X-Forwarded-Host", "evil.org"}, {"X-Original-URL", "https://evil.org/x"}});
    const auto u = original_url(Request(m), false);
    EXPECT_EQ(u.to_string(), "http://gatehouse:4180/oauth2/start?rd=x");
    EXPECT_EQ(original_url(Request(m, true), false).scheme, "https");
}

TEST(OriginalUrl, PrefersXOriginalUrlBehindAProxy) {
    const auto m = message({{"X-Original-URL", "https://app.example.com/a?b=1"},
                            {"X-Forwarded-Host", "client-supplied.example.com"}});
    EXPECT_EQ(original_url(Request(m), true).to_string(), "https://app.example.com/a?b=1");
}

TEST(OriginalUrl, UsesXForwardedProtoHostUriBehindAProxy) {
    const auto m = message(
        {{"X-Forwarded-Proto", "https, http"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "/p?q"}});
    EXPECT_EQ(original_url(Request(m), true).to_string(), "https://app.example.com/p?q");
}

TEST(OriginalUrl, FallsBackPieceByPieceAndRefusesOddSchemes) {
    const auto m = message({{"X-Forwarded-Proto", "javascript"}, {"X-Original-URL", "ftp://x/y"}});
    EXPECT_EQ(original_url(Request(m), true).to_string(), "http://gatehouse:4180/oauth2/start?rd=x");
}

TEST(HttpsRedirect, SendsPlainHttpToTheHttpsPortAndLeavesHttpsAlone) {
    const auto m = message({});
    EXPECT_EQ(https_redirect(Request(m), false, 443), "https://gatehouse/oauth2/start?rd=x");
    EXPECT_EQ(https_redirect(Request(m), false, 8443), "https://gatehouse:8443/oauth2/start?rd=x");
    EXPECT_EQ(https_redirect(Request(m, true), false, 443), std::nullopt) << "came over TLS";
    const auto behind = message({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}});
    EXPECT_EQ(https_redirect(Request(behind), true, 443), std::nullopt) << "the proxy says the browser used https";
    EXPECT_EQ(https_redirect(Request(behind), false, 443), "https://gatehouse/oauth2/start?rd=x")
        << "a client's own X-Forwarded-Proto is not believed without --reverse-proxy";
}

// /oauth2/start without rd behind a trusted proxy (login/redirect_target.hpp): oauth2-proxy's
// getXForwardedHeadersRedirect, reading only headers that name one value one way only.
TEST(ForwardedRedirect, RebuildsFromOnePlainValueOfEachHeader) {
    using gh::login::forwarded_redirect;
    const auto url = [](std::vector<std::pair<std::string, std::string>> headers) {
        const auto m = message(std::move(headers));
        return forwarded_redirect(Request(m), "/oauth2");
    };
    EXPECT_EQ(url({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "/p?a=1,2"}}),
              "https://app.example.com/p?a=1,2");
    EXPECT_EQ(url({{"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "app.example.com:8080"}}), "http://app.example.com:8080/");
    EXPECT_EQ(url({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "/oauth2/start"}}),
              "https://app.example.com/");
    EXPECT_EQ(url({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "/oauth2x"}}),
              "https://app.example.com/oauth2x");
    // Not forwarded from another host (oauth2-proxy IsForwardedRequest): X-Forwarded-Uri alone, a path here.
    EXPECT_EQ(url({{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "GATEHOUSE:4180"}}), "");
    EXPECT_EQ(url({{"X-Forwarded-Host", "gatehouse:4180"}, {"X-Forwarded-Uri", "/p?q=1"}}), "/p?q=1");
    EXPECT_EQ(url({{"X-Forwarded-Uri", "/p"}}), "/p");
    EXPECT_EQ(url({{"X-Forwarded-Uri", "/oauth2/sign_in"}}), "");
    EXPECT_EQ(url({{"X-Forwarded-Uri", "//evil.com/p"}}), "");
    EXPECT_EQ(url({{"X-Forwarded-Uri", "/p"}, {"X-Forwarded-Uri", "/q"}}), "");
    for (const auto& headers : std::vector<std::vector<std::pair<std::string, std::string>>>{
             {{"X-Forwarded-Host", "app.example.com"}},  // no scheme
             {{"X-Forwarded-Proto", "ftp"}, {"X-Forwarded-Host", "app.example.com"}},
             {{"X-Forwarded-Proto", "https, http"}, {"X-Forwarded-Host", "app.example.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "a.example.com, b.example.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "a.example.com"}, {"X-Forwarded-Host", "b.example.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil.com@app.example.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com/x"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com:"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "[::1]"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", ".example.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "//evil.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "/%2f%2fevil.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "/\\evil.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "evil.com"}},
             {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "app.example.com"}, {"X-Forwarded-Uri", "/a b"}},
         })
        EXPECT_EQ(url(headers), "") << headers.back().first << ": " << headers.back().second;
}
