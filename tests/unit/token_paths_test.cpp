// One verifier for every token that names a user (issue 21, item 10): the same claims, signed by the IdP's own
// key, go through the three paths a real Provider offers — the login's code exchange (the callback), a refresh,
// and a bearer token (--skip-jwt-bearer-tokens) — against a local stand-in IdP (its JWKS and token endpoint over
// HTTP). Each must give the same answer: a claim of the wrong JSON type, or an `azp` that is not us, is refused
// on all three with the same reason, naming the claim.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <mutex>
#include <thread>

#include "jose_test_keys.hpp"
#include "oidc/provider.hpp"
#include "test_sessions.hpp"

using namespace gh;
namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

// The IdP's two endpoints Gatehouse calls here: GET /jwks and POST /token (answered with `token_response`).
class StandInIdp {
public:
    explicit StandInIdp(std::string jwks) : jwks_(std::move(jwks)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~StandInIdp() {
        io_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
    void answer_token_requests_with(std::string body) {
        std::lock_guard lock(mutex_);
        token_response_ = std::move(body);
    }

private:
    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            serve(std::make_shared<asio::ip::tcp::socket>(std::move(s)));
            accept();
        });
    }
    // Reads the head and the body it announces (closing on unread bytes would reset the connection), then answers.
    void serve(std::shared_ptr<asio::ip::tcp::socket> s) {
        auto in = std::make_shared<std::string>();
        asio::async_read_until(*s, asio::dynamic_buffer(*in), "\r\n\r\n", [this, s, in](boost::system::error_code ec, std::size_t head) {
            if (ec) return;
            std::size_t length = 0;
            std::string lower(*in, 0, head);
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (const auto at = lower.find("content-length:"); at != std::string::npos)
                length = std::stoul(lower.substr(at + 15));
            const std::size_t missing = head + length > in->size() ? head + length - in->size() : 0;
            const bool token = in->starts_with("POST /token");
            auto buffer = std::make_shared<std::string>(missing, '\0');
            asio::async_read(*s, asio::buffer(*buffer), [this, s, in, buffer, token](boost::system::error_code, std::size_t) {
                std::string body;
                {
                    std::lock_guard lock(mutex_);
                    body = token ? token_response_ : jwks_;
                }
                auto out = std::make_shared<std::string>(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
                asio::async_write(*s, asio::buffer(*out), [s, out](boost::system::error_code, std::size_t) {});
            });
        });
    }

    std::string jwks_;
    std::mutex mutex_;
    std::string token_response_;
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

// What each path answered: empty when it accepted the token, else its reason.
struct Answers {
    std::string callback, refresh, bearer;
};

class TokenPaths : public ::testing::Test {
protected:
    TokenPaths()
        : key(test::make_key("RS256", "idp-key")),
          idp(test::jwks_of({&key})),
          provider({.issuer_url = idp.url(), .skip_discovery = true, .login_url = idp.url() + "/auth",
                    .redeem_url = idp.url() + "/token", .jwks_url = idp.url() + "/jwks", .client_id = "gatehouse",
                    .client_secret = "secret"},
                   client, clock) {
        run(io, [&]() -> asio::awaitable<int> {
            co_await provider.initialise();
            co_return 0;
        }());
    }

    // A token the IdP could have issued to Gatehouse for alice, with `changes` applied (null: the claim removed).
    json claims_with(const json& changes) const {
        json c{{"iss", idp.url()}, {"sub", "alice-sub"}, {"aud", "gatehouse"}, {"exp", test::kNow + 300},
               {"iat", test::kNow - 5}, {"email", "alice@example.com"}, {"email_verified", true},
               {"preferred_username", "alice"}, {"groups", {"/dev"}}, {"sid", "idp-session-1"}};
        for (const auto& [name, value] : changes.items()) {
            if (value.is_null()) c.erase(name);
            else c[name] = value;
        }
        return c;
    }

    // The same claims through the three paths. The callback's token carries the login's nonce; the refresh's
    // and the bearer's carry none, as the IdP sends them.
    Answers answers(const json& changes) {
        Answers a;
        auto login_claims = claims_with(changes);
        if (!login_claims.contains("nonce")) login_claims["nonce"] = "login-nonce";
        idp.answer_token_requests_with(json{{"access_token", "at"}, {"id_token", test::sign(key, login_claims)},
                                            {"refresh_token", "rt"}}.dump());
        const auto redeemed = run(io, provider.redeem("code", "verifier", "https://auth/oauth2/callback", "login-nonce"));
        a.callback = redeemed.tokens ? "" : redeemed.error.substr(redeemed.error.find(": ") + 2);

        idp.answer_token_requests_with(json{{"access_token", "at2"}, {"id_token", test::sign(key, claims_with(changes))},
                                            {"refresh_token", "rt2"}}.dump());
        const auto refreshed = run(io, provider.refresh("rt"));
        a.refresh = refreshed.tokens ? "" : refreshed.error.substr(refreshed.error.find(": ") + 2);

        const auto bearer = run(io, provider.verify_bearer(test::sign(key, claims_with(changes)), {"gatehouse"}));
        a.bearer = bearer.identity ? "" : bearer.error;
        return a;
    }

    void expect_same_refusal(const json& changes, const std::string& reason) {
        const auto a = answers(changes);
        EXPECT_EQ(a.callback, reason) << "callback, " << changes.dump();
        EXPECT_EQ(a.refresh, reason) << "refresh, " << changes.dump();
        EXPECT_EQ(a.bearer, reason) << "bearer, " << changes.dump();
    }

    asio::io_context io;
    ManualClock clock{test::kNow};
    http::HttpClient client{http::ClientOptions{}};
    test::TestKey key;
    StandInIdp idp;
    oidc::Provider provider;
};

}  // namespace

TEST_F(TokenPaths, AValidTokenPassesEveryPath) {
    ASSERT_TRUE(provider.ready());
    const auto a = answers(json::object());
    EXPECT_EQ(a.callback, "");
    EXPECT_EQ(a.refresh, "");
    EXPECT_EQ(a.bearer, "");
}

// The callback always refused an `azp` that is not the client id; the bearer path let it through.
TEST_F(TokenPaths, AnAuthorizedPartyThatIsNotUsIsRefusedOnEveryPath) {
    expect_same_refusal({{"azp", "another-client"}}, "authorized party (azp) 'another-client' is not the client id");
    expect_same_refusal({{"aud", {"gatehouse", "another-client"}}}, "several audiences and no authorized party (azp)");
    expect_same_refusal({{"aud", {"gatehouse", "another-client"}}, {"azp", "another-client"}},
                        "authorized party (azp) 'another-client' is not the client id");
    const auto ours = answers({{"aud", {"gatehouse", "another-client"}}, {"azp", "gatehouse"}});
    EXPECT_EQ(ours.callback, "");
    EXPECT_EQ(ours.refresh, "");
    EXPECT_EQ(ours.bearer, "");
}

// A claim of the wrong JSON type is refused, naming it, on every path: never skipped, never coerced.
TEST_F(TokenPaths, EveryClaimOfTheWrongTypeIsRefusedOnEveryPathNamingIt) {
    const std::vector<std::pair<json, std::string>> cases{
        {{{"aud", {1}}}, "claim 'aud' is not a string or an array of strings"},
        {{{"aud", json::object()}}, "claim 'aud' is not a string or an array of strings"},
        {{{"aud", {"gatehouse", 1}}}, "claim 'aud' is not a string or an array of strings"},
        {{{"aud", 7}}, "claim 'aud' is not a string or an array of strings"},
        {{{"iss", 7}}, "claim 'iss' is not a string"},
        {{{"iss", {idp.url()}}}, "claim 'iss' is not a string"},
        {{{"sub", 42}}, "claim 'sub' is not a string"},
        {{{"sub", {"alice-sub"}}}, "claim 'sub' is not a string"},
        {{{"sub", ""}}, "no subject (sub)"},
        {{{"azp", 1}}, "claim 'azp' is not a string"},
        {{{"azp", {"gatehouse"}}}, "claim 'azp' is not a string"},
        {{{"exp", std::to_string(test::kNow + 300)}}, "claim 'exp' is not a number"},
        {{{"exp", true}}, "claim 'exp' is not a number"},
        {{{"iat", "yesterday"}}, "claim 'iat' is not a number"},
        {{{"nbf", json::array()}}, "claim 'nbf' is not a number"},
        {{{"nonce", 7}}, "claim 'nonce' is not a string"},
        {{{"email", 7}}, "claim 'email' is not a string"},
        {{{"email", {"alice@example.com"}}}, "claim 'email' is not a string"},
        {{{"email_verified", "true"}}, "claim 'email_verified' is not a boolean"},
        {{{"email_verified", 1}}, "claim 'email_verified' is not a boolean"},
        {{{"groups", {"/dev", 7}}}, "claim 'groups' is not a string or an array of strings"},
        {{{"groups", {{"name", "/dev"}}}}, "claim 'groups' is not a string or an array of strings"},
        {{{"preferred_username", 7}}, "claim 'preferred_username' is not a string"},
        {{{"sid", 7}}, "claim 'sid' is not a string"},
    };
    for (const auto& [changes, reason] : cases) expect_same_refusal(changes, reason);
}

// Types that are right keep working, and what stays as it was: groups as one string; a missing email_verified
// counts as verified (oauth2-proxy's rule), an explicit false is refused (without
// --insecure-oidc-allow-unverified-email) on every path; times as
// floating-point numbers; absurd times held within range instead of overflowing.
TEST_F(TokenPaths, RightTypesPassAndAbsentOptionalClaimsAreOnlyAbsent) {
    for (const json& changes : {json{{"groups", "/dev"}}, json{{"groups", nullptr}}, json{{"email", nullptr}},
                                json{{"preferred_username", nullptr}}, json{{"sid", nullptr}}, json{{"iat", nullptr}},
                                json{{"exp", test::kNow + 300.5}}, json{{"exp", 1e300}},
                                json{{"exp", 18446744073709551615ULL}}, json{{"aud", {"gatehouse"}}},
                                json{{"email_verified", nullptr}}}) {
        const auto a = answers(changes);
        EXPECT_EQ(a.callback, "") << changes.dump();
        EXPECT_EQ(a.refresh, "") << changes.dump();
        EXPECT_EQ(a.bearer, "") << changes.dump();
    }
    expect_same_refusal({{"email_verified", false}},
                        "email 'alice@example.com' is not verified (email_verified is false; "
                        "--insecure-oidc-allow-unverified-email accepts it)");
    expect_same_refusal({{"exp", -1e300}}, "token expired");
    expect_same_refusal({{"iat", 1e300}}, "token issued in the future (iat)");
}
