// The pieces every door shares (browser or program, where to sign in) and the ext_authz translation.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <thread>

#include "doors/envoy_grpc/check_translation.hpp"
#include "envoy/service/auth/v3/external_auth.pb.h"
#include "doors/sign_in_redirect.hpp"
#include "identity/identity_headers.hpp"
#include "options/component_configs.hpp"
#include "test_options.hpp"
#include "test_sessions.hpp"

using namespace gh;
using namespace gh::doors;

TEST(SignInRedirect, ProgramsAskForJsonOrSayTheyAreXhr) {
    EXPECT_TRUE(wants_api_answer("application/json", ""));
    EXPECT_TRUE(wants_api_answer("application/json, text/plain, */*", ""));
    EXPECT_TRUE(wants_api_answer("", "XMLHttpRequest"));
    EXPECT_FALSE(wants_api_answer("text/html,application/xhtml+xml,application/json;q=0.9", ""));
    EXPECT_FALSE(wants_api_answer("*/*", ""));
    EXPECT_FALSE(wants_api_answer("", ""));
}

TEST(SignInRedirect, GoesToTheCentralAuthHostWhenThereIsOne) {
    auto o = options::doors_config(test::must_parse(test::base_args({})));
    EXPECT_EQ(sign_in_location(o, "https", "app.example.com", "https://app.example.com/a?b=c"),
              "https://app.example.com/oauth2/start?rd=https%3A%2F%2Fapp.example.com%2Fa%3Fb%3Dc");
    o = options::doors_config(test::must_parse(test::base_args({"--redirect-url=https://auth.example.com/oauth2/callback"})));
    EXPECT_EQ(sign_in_location(o, "https", "app.example.com", "https://app.example.com/"),
              "https://auth.example.com/oauth2/start?rd=https%3A%2F%2Fapp.example.com%2F");
}

namespace {

// The door reads and writes bytes; the generated classes of our .proto files build and read them here, as the
// oracle of the wire format.
namespace pb = envoy::service::auth::v3;

// Read as the door reads it; the bytes stay alive for the test's views.
bool read(const pb::CheckRequest& r, envoy_grpc::CheckView& v) {
    static std::deque<std::string> kept;
    kept.push_back(r.SerializeAsString());
    return envoy_grpc::read_check_request(kept.back(), v) == envoy_grpc::ReadResult::ok;
}

pb::CheckResponse allow(const session::Session* s, const Config& o, const envoy_grpc::CheckView& v,
                        const std::vector<std::string>& set_cookies) {
    std::string bytes;
    envoy_grpc::write_allow(s, o, v, set_cookies, bytes);
    pb::CheckResponse res;
    EXPECT_TRUE(res.ParseFromString(bytes));
    return res;
}

pb::CheckRequest request_with(std::initializer_list<std::pair<const char*, const char*>> headers) {
    pb::CheckRequest r;
    auto* http = r.mutable_attributes()->mutable_request()->mutable_http();
    http->set_method("GET");
    http->set_host("app.example.com");
    http->set_path("/reports?x=1");
    for (const auto& [k, v] : headers) (*http->mutable_headers())[k] = v;
    return r;
}

}  // namespace

TEST(CheckTranslation, ReadsWhatTheGateNeeds) {
    auto r = request_with({{"cookie", "_oauth2_proxy=abc"}, {"accept", "application/json"}});
    (*r.mutable_attributes()->mutable_context_extensions())["allowed_groups"] = "/admins";
    envoy_grpc::CheckView v;
    ASSERT_TRUE(read(r, v));
    EXPECT_EQ(v.path, "/reports");
    EXPECT_EQ(v.path_and_query, "/reports?x=1");
    EXPECT_EQ(v.scheme, "https");
    EXPECT_EQ(v.cookie, "_oauth2_proxy=abc");
    EXPECT_EQ(v.accept, "application/json");
    EXPECT_EQ(v.route.allowed_groups, "/admins");
}

TEST(CheckTranslation, ReadsRawHeaderMapsToo) {
    pb::CheckRequest r = request_with({});
    auto* h = r.mutable_attributes()->mutable_request()->mutable_http()->mutable_header_map()->add_headers();
    h->set_key("cookie");
    h->set_raw_value("_oauth2_proxy=raw");
    envoy_grpc::CheckView v;
    ASSERT_TRUE(read(r, v));
    EXPECT_EQ(v.cookie, "_oauth2_proxy=raw");
}

TEST(CheckTranslation, RefusesRequestsWithoutHostOrAbsolutePath) {
    envoy_grpc::CheckView v;
    EXPECT_FALSE(read(pb::CheckRequest{}, v));
    auto r = request_with({});
    r.mutable_attributes()->mutable_request()->mutable_http()->set_path("reports");
    envoy_grpc::CheckView v2;
    EXPECT_FALSE(read(r, v2));
    EXPECT_EQ(v2.problem, "no absolute path in the CheckRequest");
}

TEST(CheckTranslation, AllowOverwritesOurHeadersAndRemovesOtherLookAlikes) {
    const auto o = options::doors_config(test::must_parse(test::base_args({"--set-xauthrequest=true"})));
    // A look-alike name of any length, longer than the names Gatehouse sets, is removed too.
    const std::string long_name = "X-Auth-Request-" + std::string(70, 'Q');
    auto r = request_with({{"X-Auth-Request-User", "mallory"}, {"x-auth-request-access-token", "stolen"},
                           {long_name.c_str(), "forged"}});
    envoy_grpc::CheckView v;
    ASSERT_TRUE(read(r, v));
    const auto s = test::alice();
    const pb::CheckResponse res = allow(&s, o, v, {"_oauth2_proxy=new; Path=/"});
    EXPECT_EQ(res.status().code(), 0);
    bool user_overwritten = false;
    for (const auto& h : res.ok_response().headers()) {
        EXPECT_EQ(h.append_action(), envoy::config::core::v3::HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD);
        EXPECT_FALSE(h.append().value());
        if (h.header().key() == "x-auth-request-user") user_overwritten = h.header().value() == s.user;
    }
    EXPECT_TRUE(user_overwritten);
    std::vector<std::string> removed(res.ok_response().headers_to_remove().begin(),
                                     res.ok_response().headers_to_remove().end());
    std::sort(removed.begin(), removed.end());
    EXPECT_EQ(removed, (std::vector<std::string>{"x-auth-request-access-token", "x-auth-request-" + std::string(70, 'q')}));
    ASSERT_EQ(res.ok_response().response_headers_to_add_size(), 1);
    EXPECT_EQ(res.ok_response().response_headers_to_add(0).header().key(), "set-cookie");
}

TEST(CheckTranslation, LookAlikesWithUnderscoresDotsOrAnyCaseAreRemoved) {
    // Envoy would pass them on untouched (headers_with_underscores_action defaults to ALLOW), and a CGI or PHP app
    // reads X_Forwarded_Email as X-Forwarded-Email.
    const auto o = options::doors_config(test::must_parse(test::base_args({"--set-xauthrequest=true"})));
    auto r = request_with({{"x_auth_request_email", "mallory@example.com"}, {"X.Forwarded.Email", "mallory@example.com"},
                           {"X_Forwarded_User", "mallory"}, {"x-forwarded-groups", "/admins"}, {"gap_auth", "mallory"},
                           {"X-AUTH-REQUEST-USER", "mallory"}, {"x-forwarded-for", "203.0.113.9"},
                           {"x-forwarded-proto", "https"}, {"x_custom", "kept"}});
    envoy_grpc::CheckView v;
    ASSERT_TRUE(read(r, v));
    const session::Session alice = test::alice();
    for (const session::Session* who : {static_cast<const session::Session*>(nullptr), &alice}) {
        const pb::CheckResponse res = allow(who, o, v, {});
        std::vector<std::string> removed(res.ok_response().headers_to_remove().begin(),
                                         res.ok_response().headers_to_remove().end());
        std::sort(removed.begin(), removed.end());
        std::vector<std::string> expected{"gap_auth", "x-forwarded-groups", "x.forwarded.email", "x_auth_request_email",
                                          "x_forwarded_user"};
        // Without a session nothing overwrites x-auth-request-user, so the client's copy is removed; with one,
        // ours overwrites it (removing it too would drop ours).
        if (!who) expected.insert(expected.begin() + 1, "x-auth-request-user");
        EXPECT_EQ(removed, expected);
    }
}

TEST(CheckTranslation, DenialCarriesTheHttpStatusAndLocation) {
    std::string bytes;
    envoy_grpc::write_denial({.http_status = 302, .grpc_code = envoy_grpc::kUnauthenticated,
                              .location = "https://a/oauth2/start"},
                             {}, bytes);
    pb::CheckResponse res;
    ASSERT_TRUE(res.ParseFromString(bytes));
    EXPECT_EQ(res.status().code(), 16);
    EXPECT_EQ(res.denied_response().status().code(), 302);
    EXPECT_EQ(res.denied_response().headers(0).header().key(), "location");
}

// --alpha-config's injectResponseHeaders may name any number of headers, of any length: each is set, and a
// client's own copy of one the session has no value for is removed.
// Values short enough to live inside their std::string (SSO) moved with the list of headers as it grew on a
// thread's first answers, and were read from the freed list (make test-asan reports it): the answer is built on a
// new thread, whose list starts empty.
TEST(CheckTranslation, AlphaResponseHeadersWithShortValuesOnAThreadsFirstAnswer) {
    auto o = options::doors_config(test::must_parse(test::base_args()));
    std::vector<identity::InjectedHeader> headers;
    for (int i = 0; i < 9; ++i) {
        identity::InjectedHeader h{.name = "X-Short-" + std::to_string(i), .folded_name = "x-short-" + std::to_string(i)};
        h.values.push_back({.claim = identity::InjectedValue::Claim::preferred_username});
        headers.push_back(h);
    }
    o.response_headers = headers;
    auto r = request_with({});
    envoy_grpc::CheckView v;
    ASSERT_TRUE(read(r, v));
    const auto s = test::alice();
    pb::CheckResponse res;
    std::thread([&] { res = allow(&s, o, v, {}); }).join();
    ASSERT_EQ(res.ok_response().headers_size(), 10);  // GAP-Auth and the nine
    for (int i = 1; i < 10; ++i) {
        EXPECT_EQ(res.ok_response().headers(i).header().key(), "x-short-" + std::to_string(i - 1));
        EXPECT_EQ(res.ok_response().headers(i).header().value(), "alice");
    }
}

TEST(CheckTranslation, AlphaResponseHeadersOfAnyNumberAndLength) {
    auto o = options::doors_config(test::must_parse(test::base_args()));
    std::vector<identity::InjectedHeader> headers;
    for (int i = 0; i < 11; ++i) {
        identity::InjectedHeader h;
        h.name = i == 10 ? "X-" + std::string(80, 'L') : "X-Claim-" + std::to_string(i);
        h.folded_name = identity::folded_header_name(h.name);
        h.values.push_back({.claim = identity::InjectedValue::Claim::email});
        headers.push_back(h);
    }
    identity::InjectedHeader empty{.name = "X-Nickname", .folded_name = "x-nickname"};
    empty.values.push_back({.claim = identity::InjectedValue::Claim::preferred_username});
    headers.push_back(empty);
    o.response_headers = headers;
    auto r = request_with({{"X-Nickname", "forged"}});
    envoy_grpc::CheckView v;
    ASSERT_TRUE(read(r, v));
    auto s = test::alice();
    s.preferred_username.clear();
    const pb::CheckResponse res = allow(&s, o, v, {});
    std::vector<std::string> set;
    for (const auto& h : res.ok_response().headers()) {
        set.push_back(h.header().key());
        if (h.header().key() != "gap-auth") {
            EXPECT_EQ(h.header().value(), "alice@example.com");
        }
    }
    ASSERT_EQ(set.size(), 12u);  // GAP-Auth and the eleven with a value
    EXPECT_EQ(set.back(), "x-" + std::string(80, 'l'));
    std::vector<std::string> removed(res.ok_response().headers_to_remove().begin(),
                                     res.ok_response().headers_to_remove().end());
    EXPECT_EQ(removed, std::vector<std::string>{"x-nickname"});
}
