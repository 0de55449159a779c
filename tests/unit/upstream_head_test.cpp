// What reverse-proxy mode tells the upstream and the client (proxy/upstream_head.hpp), byte for byte.
#include "proxy/upstream_head.hpp"

#include <gtest/gtest.h>

#include "proxy/upstream_routes.hpp"
#include "options/component_configs.hpp"
#include "test_options.hpp"
#include "test_sessions.hpp"

using namespace gh;
namespace bhttp = boost::beast::http;

namespace {

http::Request::Message message(std::vector<std::pair<std::string, std::string>> headers, std::string target = "/r?q=1") {
    http::Request::Message m{bhttp::verb::post, target, 11};
    for (const auto& [k, v] : headers) m.insert(k, v);
    return m;
}

http::Peer peer(bool trusted) { return {boost::asio::ip::make_address("10.0.0.7"), trusted, nullptr}; }

options::Options::Upstream upstream() {
    options::Options::Upstream u;
    u.kind = options::Options::Upstream::Kind::http;
    u.host = "app.internal";
    u.port = 8080;
    return u;
}

}  // namespace

TEST(UpstreamHead, IdentityAddedLookAlikesHopByHopAndOurCookiesRemoved) {
    auto o = options::proxy_config(test::must_parse(test::base_args({"--pass-access-token"})));
    const auto m = message({{"Host", "app.example.com"},
                            {"Cookie", "_oauth2_proxy=sealed; theme=dark; _oauth2_proxy_1=x"},
                            {"Cookie", "_oauth2_proxy_csrf=y; lang=de"},
                            {"X-Forwarded-User", "mallory"},
                            {"x-auth-request-groups", "/admins"},
                            {"Connection", "keep-alive, X-Secret"},
                            {"X-Secret", "hop"},
                            {"Keep-Alive", "timeout=5"},
                            {"Transfer-Encoding", "chunked"},
                            {"X-Forwarded-For", "203.0.113.9"},
                            {"Accept", "text/html"}});
    const http::Request req(m, false, peer(false));
    session::Session s = test::alice();
    s.access_token = "at\r\nInjected: yes";
    std::string head;
    proxy::write_upstream_head(req, o, upstream(), &s, "10.0.0.7", {std::nullopt}, head);
    EXPECT_EQ(head,
              "POST /r?q=1 HTTP/1.1\r\n"
              "Accept: text/html\r\n"
              "Host: app.example.com\r\n"
              "Cookie: theme=dark; lang=de\r\n"
              "X-Forwarded-For: 10.0.0.7\r\n"  // an untrusted peer's chain is not believed
              "X-Forwarded-Proto: http\r\n"
              "X-Forwarded-Host: app.example.com\r\n"
              "X-Forwarded-User: " + s.user + "\r\n"
              "X-Forwarded-Email: " + s.email + "\r\n"
              "X-Forwarded-Groups: /platform-team,/dev\r\n"
              "X-Forwarded-Preferred-Username: " + s.preferred_username + "\r\n"
              "X-Forwarded-Access-Token: atInjected: yes\r\n"
              "Authorization: Basic ZjNiN2MwZGUtMDAwMTo=\r\n"  // --pass-basic-auth's default: "f3b7c0de-0001:"
              "Transfer-Encoding: chunked\r\n"
              "\r\n");
}

TEST(UpstreamHead, ATrustedProxysChainIsExtendedAndOptionsApply) {
    auto o = options::proxy_config(test::must_parse(test::base_args({"--pass-host-header=false", "--pass-user-headers=false",
                                               "--pass-basic-auth=false", "--pass-authorization-header"})));
    const auto m = message({{"Host", "app.example.com"}, {"X-Forwarded-For", "203.0.113.9"},
                            {"X-Forwarded-Proto", "https"}, {"Authorization", "Basic xyz"}});
    const http::Request req(m, false, peer(true));
    const session::Session s = test::alice();
    std::string head;
    proxy::write_upstream_head(req, o, upstream(), &s, "10.0.0.7", {std::uint64_t{3}}, head);
    EXPECT_NE(head.find("Host: app.internal:8080\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("X-Forwarded-For: 203.0.113.9, 10.0.0.7\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("X-Forwarded-Proto: https\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("Authorization: Bearer " + s.id_token + "\r\n"), std::string::npos) << head;
    EXPECT_EQ(head.find("Basic xyz"), std::string::npos) << "the client's own Authorization is replaced";
    EXPECT_EQ(head.find("X-Forwarded-User"), std::string::npos);
    EXPECT_NE(head.find("Content-Length: 3\r\n"), std::string::npos);
    // A public route passes no identity at all.
    proxy::write_upstream_head(req, o, upstream(), nullptr, "10.0.0.7", {std::uint64_t{0}}, head);
    EXPECT_EQ(head.find("Bearer"), std::string::npos);
    EXPECT_EQ(head.find("Basic xyz"), std::string::npos)
        << "as oauth2-proxy's --skip-auth-strip-headers: dropped where Gatehouse would set its own";
}

TEST(UpstreamHead, LookAlikesOfOurHeadersNeverReachTheUpstream) {
    // CGI, PHP and some WSGI servers read '_' (and some '.') as '-': X_Forwarded_Email is HTTP_X_FORWARDED_EMAIL.
    const std::vector<std::pair<std::string, std::string>> forged{
        {"X_Forwarded_Email", "mallory@example.com"}, {"x_auth_request_email", "mallory@example.com"},
        {"X.Forwarded.Email", "mallory@example.com"}, {"x-FORWARDED-user", "mallory"},
        {"X_Forwarded.Groups", "/admins"},            {"x.auth.request.user", "mallory"},
        {"Gap_Auth", "mallory"},                      {"X-Forwarded-Access_Token", "stolen"},
        {"X_FORWARDED_PREFERRED_USERNAME", "mallory"}, {"X_Forwarded_For", "127.0.0.1"},
        {"x.forwarded.proto", "https"},               {"X_Forwarded_Host", "admin.example.com"}};
    auto headers = forged;
    headers.insert(headers.end(), {{"Host", "app.example.com"}, {"X-Forwarded-Emails", "kept"},
                                   {"X-Forwarded-Prefix", "/kept"}, {"X-Auth-Requested", "kept"},
                                   {"Gap-Authority", "kept"}, {"X_Custom_Header", "kept"}});
    const auto m = message(headers);
    const http::Request req(m, false, peer(false));
    const auto o = options::proxy_config(test::must_parse(test::base_args({"--pass-access-token"})));
    const session::Session s = test::alice();
    std::string head;
    for (const session::Session* who : {&s, static_cast<const session::Session*>(nullptr)}) {
        proxy::write_upstream_head(req, o, upstream(), who, "10.0.0.7", {std::uint64_t{0}}, head);
        for (const auto& [name, value] : forged) {
            EXPECT_EQ(head.find(name + ":"), std::string::npos) << name << " in\n" << head;
            EXPECT_EQ(head.find(value), std::string::npos) << value << " in\n" << head;
        }
        for (const char* kept : {"X-Forwarded-Emails: kept", "X-Forwarded-Prefix: /kept", "X-Auth-Requested: kept",
                                 "Gap-Authority: kept", "X_Custom_Header: kept"})
            EXPECT_NE(head.find(kept), std::string::npos) << kept << " in\n" << head;
        EXPECT_NE(head.find("X-Forwarded-For: 10.0.0.7\r\n"), std::string::npos) << head;
    }
}

TEST(UpstreamHead, APublicRouteDropsTheClientsAuthorizationWhenGatehouseWouldSetOne) {
    // Gatehouse sets Authorization for signed-in requests with --pass-basic-auth (on by default) or
    // --pass-authorization-header, so the app trusts it: a client's own must not reach it on a public route.
    const auto m = message({{"Host", "app.example.com"}, {"Authorization", "Bearer the-apps-own-token"}});
    const http::Request req(m, false, peer(false));
    const auto public_route_keeps = [&](std::vector<std::string> flags) {
        const auto o = options::proxy_config(test::must_parse(test::base_args(std::move(flags))));
        std::string head;
        proxy::write_upstream_head(req, o, upstream(), nullptr, "10.0.0.7", {std::uint64_t{0}}, head);
        return head.find("Authorization: Bearer the-apps-own-token\r\n") != std::string::npos;
    };
    EXPECT_FALSE(public_route_keeps({})) << "--pass-basic-auth (the default) sends Basic user: for signed-in users";
    EXPECT_TRUE(public_route_keeps({"--pass-basic-auth=false"}));
    EXPECT_TRUE(public_route_keeps({"--pass-basic-auth=false", "--basic-auth-password=pw"}));
    EXPECT_FALSE(public_route_keeps({"--basic-auth-password=pw"}));
    EXPECT_FALSE(public_route_keeps({"--pass-authorization-header"}));
    EXPECT_FALSE(public_route_keeps({"--pass-basic-auth=false", "--pass-authorization-header"}));
}

TEST(UpstreamHead, TheClientGetsTheAnswerWithoutHopByHopHeadersAndWithItsOwnFraming) {
    bhttp::response_header<> answer;
    answer.result(200);
    answer.set(bhttp::field::connection, "keep-alive, X-Upstream-Private");
    answer.insert("X-Upstream-Private", "1");
    answer.insert("Keep-Alive", "timeout=5");
    answer.insert("Transfer-Encoding", "chunked");
    answer.insert("Content-Type", "text/plain");
    std::string head;
    proxy::write_client_head(answer, true, std::nullopt, true, true, head);
    EXPECT_EQ(head, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
    proxy::write_client_head(answer, true, std::nullopt, false, false, head);
    EXPECT_EQ(head, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        << "an HTTP/1.0 client: the body ends with the connection";
}

TEST(UpstreamHead, AnUpgradeKeepsItsHeadersOnTheWayUp) {
    const auto o = options::proxy_config(test::must_parse(test::base_args({})));
    auto m = message({{"Host", "a"}, {"Connection", "keep-alive, Upgrade"}, {"Upgrade", "websocket"}}, "/ws");
    m.method(bhttp::verb::get);
    const http::Request req(m, false, peer(false));
    EXPECT_EQ(proxy::requested_upgrade(req, o), "websocket");
    std::string head;
    proxy::write_upstream_head(req, o, upstream(), nullptr, "10.0.0.7", {std::uint64_t{0}}, head);
    EXPECT_NE(head.find("Connection: Upgrade\r\nUpgrade: websocket\r\n"), std::string::npos) << head;
    auto plain = message({{"Host", "a"}, {"Upgrade", "websocket"}}, "/ws");  // Upgrade without Connection: upgrade
    const http::Request not_upgrade(plain, false, peer(false));
    EXPECT_EQ(proxy::requested_upgrade(not_upgrade, o), "");
    proxy::write_upstream_head(not_upgrade, o, upstream(), nullptr, "10.0.0.7", {std::uint64_t{0}}, head);
    EXPECT_EQ(head.find("Upgrade"), std::string::npos) << head;
}

TEST(UpstreamHead, NoUpgradeReachesTheUpstreamWithProxyWebsocketsFalse) {
    const auto o = options::proxy_config(test::must_parse(test::base_args({"--proxy-websockets=false"})));
    auto m = message({{"Host", "a"}, {"Connection", "Upgrade"}, {"Upgrade", "websocket"}}, "/ws");
    m.method(bhttp::verb::get);
    const http::Request req(m, false, peer(false));
    EXPECT_EQ(proxy::requested_upgrade(req, o), "");
    std::string head;
    proxy::write_upstream_head(req, o, upstream(), nullptr, "10.0.0.7", {std::uint64_t{0}}, head);
    EXPECT_EQ(head.find("Upgrade"), std::string::npos) << head;
}

TEST(UpstreamRoutes, TheLongestPrefixWins) {
    std::vector<proxy::Upstream> routes(3);
    routes[0].path = "/";
    routes[1].path = "/api/";
    routes[2].path = "/api/v2/";
    EXPECT_EQ(proxy::upstream_for(routes, "/api/v2/x"), &routes[2]);
    EXPECT_EQ(proxy::upstream_for(routes, "/api/v1"), &routes[1]);
    EXPECT_EQ(proxy::upstream_for(routes, "/apiary"), &routes[0]);
    routes.erase(routes.begin());
    EXPECT_EQ(proxy::upstream_for(routes, "/other"), nullptr);
}

TEST(UpstreamHead, BasicCredentialsNameTheUserOrTheEmailAndReplaceTheClientsOwn) {
    auto o = options::proxy_config(test::must_parse(test::base_args({"--pass-user-headers=false", "--prefer-email-to-user",
                                               "--basic-auth-password=p:w"})));
    const auto m = message({{"Host", "app.example.com"}, {"Authorization", "Bearer client-own"}});
    const http::Request req(m, false, peer(false));
    session::Session s = test::alice();
    std::string head;
    proxy::write_upstream_head(req, o, upstream(), &s, "10.0.0.7", {std::uint64_t{0}}, head);
    // base64("alice@example.com:p:w"): the password may hold a colon, the user may not (RFC 7617 §2).
    EXPECT_NE(head.find("Authorization: Basic YWxpY2VAZXhhbXBsZS5jb206cDp3\r\n"), std::string::npos) << head;
    EXPECT_EQ(head.find("client-own"), std::string::npos) << head;
    EXPECT_NE(head.find("X-Forwarded-User: alice@example.com\r\n"), std::string::npos) << "brought by --pass-basic-auth";
    EXPECT_NE(head.find("X-Forwarded-Email: alice@example.com\r\n"), std::string::npos);
    EXPECT_EQ(head.find("X-Forwarded-Groups"), std::string::npos) << "groups only with --pass-user-headers";
    s.email.clear();
    proxy::write_upstream_head(req, o, upstream(), &s, "10.0.0.7", {std::uint64_t{0}}, head);
    EXPECT_NE(head.find("X-Forwarded-User: f3b7c0de-0001\r\n"), std::string::npos) << "the user when no e-mail is known";
}

TEST(UpstreamHead, TheAnswerCarriesARenewedSessionAndTheAuthAnswersHeaders) {
    auto o = options::proxy_config(test::must_parse(test::base_args({"--set-xauthrequest", "--set-authorization-header"})));
    const session::Session s = test::alice();
    const std::string lines = proxy::answer_head_lines(&s, o, {"_oauth2_proxy=new; Path=/"});
    EXPECT_EQ(lines,
              "Set-Cookie: _oauth2_proxy=new; Path=/\r\n"
              "GAP-Auth: alice@example.com\r\n"
              "X-Auth-Request-User: f3b7c0de-0001\r\n"
              "X-Auth-Request-Email: alice@example.com\r\n"
              "X-Auth-Request-Preferred-Username: alice\r\n"
              "X-Auth-Request-Groups: /platform-team,/dev\r\n"
              "Authorization: Bearer header.payload.sig\r\n");
    EXPECT_EQ(proxy::answer_head_lines(nullptr, o, {}), "") << "a public route's answer names nobody";
}

TEST(UpstreamHead, OnlyAWebSocketUpgradeIsPassedOn) {
    // An h2c upgrade would open an HTTP/2 connection to the app that no rule sees (h2c smuggling).
    const auto o = options::proxy_config(test::must_parse(test::base_args()));
    for (const char* protocol : {"h2c", "websocket, h2c", "WebSocket"}) {
        const auto m = message({{"Host", "app.example.com"}, {"Connection", "Upgrade, HTTP2-Settings"},
                                {"Upgrade", protocol}, {"HTTP2-Settings", "AAMAAABkAAQAAP__"}});
        const http::Request req(m, false, peer(false));
        std::string head;
        proxy::write_upstream_head(req, o, upstream(), nullptr, "10.0.0.7", {std::uint64_t{0}}, head);
        const bool websocket = std::string_view(protocol) == "WebSocket";
        EXPECT_EQ(head.find("Upgrade: ") != std::string::npos, websocket) << protocol << "\n" << head;
        EXPECT_EQ(head.find("HTTP2-Settings"), std::string::npos) << head;
    }
}

TEST(UpstreamHead, ABasicUserNameGatehouseNeverCheckedDoesNotReachTheAppOfASignedInRequest) {
    // Cold attack (d23-F3): "Basic admin:<JWT>" signs in the JWT's subject; with no Authorization of Gatehouse's
    // own, the app must not be told "admin" beside it. A Bearer token, an htpasswd user's Basic, and a public
    // route's Basic (the app checks it itself) pass.
    const auto o = options::proxy_config(test::must_parse(test::base_args({"--pass-basic-auth=false"})));
    const auto keeps = [&](std::string authorization, const session::Session* s) {
        const auto m = message({{"Host", "app.example.com"}, {"Authorization", authorization}});
        const http::Request req(m, false, peer(false));
        std::string head;
        proxy::write_upstream_head(req, o, upstream(), s, "10.0.0.7", {std::uint64_t{0}}, head);
        return head.find("Authorization: " + authorization + "\r\n") != std::string::npos;
    };
    session::Session signed_in = test::alice();
    session::Session htpasswd_user = test::alice();
    htpasswd_user.from_htpasswd = true;
    EXPECT_FALSE(keeps("Basic YWRtaW46ZXlK", &signed_in));
    EXPECT_FALSE(keeps("basic YWRtaW46ZXlK", &signed_in)) << "the scheme in any case";
    EXPECT_TRUE(keeps("Bearer eyJ.x.y", &signed_in));
    EXPECT_TRUE(keeps("Basic YWxpY2U6cHc=", &htpasswd_user));
    EXPECT_TRUE(keeps("Basic YWRtaW46ZXlK", nullptr));
}

TEST(UpstreamHead, ALookAlikeOfBasicOrMoreThanOneCredentialDoesNotReachTheAppEither) {
    // Second cold attack: apps read Basic loosely (split at any white space, or base64 from the sixth character).
    const auto o = options::proxy_config(test::must_parse(test::base_args({"--pass-basic-auth=false"})));
    session::Session signed_in = test::alice();
    const auto keeps = [&](std::string authorization) {
        const auto m = message({{"Host", "app.example.com"}, {"Authorization", authorization}});
        const http::Request req(m, false, peer(false));
        std::string head;
        proxy::write_upstream_head(req, o, upstream(), &signed_in, "10.0.0.7", {std::uint64_t{0}}, head);
        return head.find("Authorization:") != std::string::npos;
    };
    for (const std::string bad : {"Basic\tYWRtaW46c2VjcmV0", "BASIC\tYWRtaW46c2VjcmV0", "BasicXYWRtaW46c2VjcmV0",
                                  "Basic:YWRtaW46c2VjcmV0", "Basic\xc2\xa0YWRtaW46c2VjcmV0", "Negotiate x, Basic YWRtaW4=",
                                  "Bearer x Basic YWRtaW46c2VjcmV0", "Bearer  x", "Bearer x,y"})
        EXPECT_FALSE(keeps(bad)) << bad;
    for (const std::string ok : {"Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "Token abc123==", "Negotiate YIIB"})
        EXPECT_TRUE(keeps(ok)) << ok;
}
