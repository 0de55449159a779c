// credentials::BearerTokens with a real Provider: the issuer's keys come from a JWKS endpoint served here over HTTP,
// tokens are signed by an independent OpenSSL signer (jose_test_keys.hpp). What the integration tests cannot wait
// for: a token remembered by a thread stops working when it expires (plus the 60 s of skew), without another
// signature check; a token one character away is never found in that memory.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <thread>

#include "jose_test_keys.hpp"
#include "credentials/bearer_tokens.hpp"
#include "credentials/jwt_in_basic.hpp"
#include "crypto/base64.hpp"
#include "crypto/bytes.hpp"
#include "test_sessions.hpp"

using namespace gh;
namespace asio = boost::asio;
using Outcome = gate::CredentialCheck::Outcome;

namespace {

// Answers every request with the key set (Connection: close), on its own thread until destroyed.
class JwksEndpoint {
public:
    explicit JwksEndpoint(std::string body)
        : body_(std::move(body)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~JwksEndpoint() {
        io_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            serve(std::make_shared<asio::ip::tcp::socket>(std::move(s)));
            accept();
        });
    }
    void serve(std::shared_ptr<asio::ip::tcp::socket> s) {
        auto in = std::make_shared<std::string>();
        asio::async_read_until(*s, asio::dynamic_buffer(*in), "\r\n\r\n", [this, s, in](boost::system::error_code ec, std::size_t) {
            if (ec) return;
            auto out = std::make_shared<std::string>(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                std::to_string(body_.size()) + "\r\n\r\n" + body_);
            asio::async_write(*s, asio::buffer(*out), [s, out](boost::system::error_code, std::size_t) {});
        });
    }

    std::string body_;
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
};

template <typename T>
T run(asio::io_context& io, asio::awaitable<T> work) {
    auto result = asio::co_spawn(io, std::move(work), asio::use_future);
    io.restart();
    io.run();
    return result.get();
}

}  // namespace

TEST(BearerTokens, ARememberedTokenExpiresWithoutAnotherCheckAndALookAlikeIsNeverRemembered) {
    const auto key = test::make_key("ES256", "ci-key");
    JwksEndpoint jwks(test::jwks_of({&key}));
    ManualClock clock(test::kNow);
    http::HttpClient client(http::ClientOptions{});
    oidc::Provider issuer({.issuer_url = jwks.url(), .skip_discovery = true, .jwks_url = jwks.url() + "/jwks",
                           .keys_only = true},
                          client, clock);
    asio::io_context io;
    run(io, [&]() -> asio::awaitable<int> {
        co_await issuer.initialise();
        co_return 0;
    }());
    ASSERT_TRUE(issuer.ready());

    const credentials::BearerTokens tokens({{&issuer, {"ci-api"}}}, clock);
    const std::string token = test::sign(key, {{"iss", jwks.url()}, {"aud", "ci-api"}, {"sub", "ci-job"},
                                               {"email", "ci@example.com"}, {"email_verified", true}, {"iat", test::kNow}, {"exp", test::kNow + 30}});
    session::Session s;
    EXPECT_FALSE(tokens.find_now(token, s)) << "not verified yet";
    const auto checked = run(io, tokens.verify(token, "127.0.0.1", s));
    ASSERT_EQ(checked.outcome, Outcome::ok) << checked.error;
    EXPECT_EQ(s.user, "ci-job");

    session::Session again;
    auto remembered = tokens.find_now(token, again);
    ASSERT_TRUE(remembered);
    EXPECT_EQ(remembered->outcome, Outcome::ok);
    EXPECT_EQ(again.user, "ci-job");
    EXPECT_EQ(again.access_token, token);

    std::string look_alike = token;
    look_alike.back() = look_alike.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(tokens.find_now(look_alike, again)) << "a changed signature is not the remembered token";

    clock.set(test::kNow + 30 + credentials::BearerTokens::kSkew - 1);
    EXPECT_EQ(tokens.find_now(token, again)->outcome, Outcome::ok) << "within the skew";
    clock.set(test::kNow + 30 + credentials::BearerTokens::kSkew);
    remembered = tokens.find_now(token, again);
    ASSERT_TRUE(remembered);
    EXPECT_EQ(remembered->outcome, Outcome::expired);
    EXPECT_EQ(remembered->error, "token expired");
}

// oauth2-proxy's reading of a JWT in `Authorization: Basic` (pkg/middleware/jwt_session.go getBasicToken), with
// what it leaves open refused: both parts JWTs.
TEST(JwtInBasic, TakesTheUserOrThePasswordAsOauth2ProxyDoes) {
    using credentials::jwt_in_basic;
    const auto basic = [](std::string_view pair) {
        return crypto::base64_encode(crypto::as_bytes(pair));
    };
    const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln";
    EXPECT_EQ(jwt_in_basic(basic(jwt + ":")), jwt);
    EXPECT_EQ(jwt_in_basic(basic(jwt + ":x-oauth-basic")), jwt);
    EXPECT_EQ(jwt_in_basic(basic("ci-bot:" + jwt)), jwt);
    EXPECT_EQ(jwt_in_basic(basic(":" + jwt)), jwt);
    EXPECT_EQ(jwt_in_basic(basic(jwt + ":" + jwt)), std::string{}) << "both: ambiguous, refused";
    EXPECT_EQ(jwt_in_basic(basic(jwt + ":a-password")), std::nullopt) << "a JWT user with a password is no token";
    EXPECT_EQ(jwt_in_basic(basic("alice:alice-password")), std::nullopt);
    EXPECT_EQ(jwt_in_basic(basic(jwt)), std::nullopt) << "no ':'";
    EXPECT_EQ(jwt_in_basic(basic(":")), std::nullopt);
    EXPECT_EQ(jwt_in_basic("not base64!"), std::nullopt);
    EXPECT_EQ(jwt_in_basic(basic("u:" + jwt + " ")), std::nullopt) << "a space is no JWT character";
    EXPECT_EQ(jwt_in_basic(basic("u:" + jwt + ".x")), std::nullopt) << "four parts";
}

TEST(JwtInBasic, ShapeIsOauth2ProxysRegex) {
    using credentials::looks_like_jwt;
    EXPECT_TRUE(looks_like_jwt("eyA.eyB.c"));
    EXPECT_TRUE(looks_like_jwt("ey.ey.c"));
    EXPECT_FALSE(looks_like_jwt("ey.ey."));
    EXPECT_FALSE(looks_like_jwt("e.ey.c"));
    EXPECT_FALSE(looks_like_jwt("eyA.xyB.c"));
    EXPECT_FALSE(looks_like_jwt("eyA.eyB"));
    EXPECT_FALSE(looks_like_jwt("eyA.eyB.c=d"));
    EXPECT_FALSE(looks_like_jwt(""));
}
