#include "http/request_checks.hpp"

#include <gtest/gtest.h>

#include "http/request.hpp"

using namespace gh::http;
namespace bhttp = boost::beast::http;

namespace {

Request::Message head(bhttp::verb verb, std::string_view target,
                      std::vector<std::pair<std::string, std::string>> fields, unsigned version = 11) {
    Request::Message m{verb, target, version};
    for (const auto& [k, v] : fields) m.insert(k, v);
    return m;
}

int status_of(const Request::Message& m) {
    RequestTarget t;
    return check_request_head(m, t).status;
}

}  // namespace

TEST(TransferCoding, AcceptsOnlyALoneChunkedInAnyCase) {
    EXPECT_EQ(check_transfer_coding("chunked").status, 0);
    EXPECT_EQ(check_transfer_coding("CHUNKED").status, 0);
    EXPECT_EQ(check_transfer_coding(" chunked ,").status, 0);  // empty list elements are ignored
    EXPECT_EQ(check_transfer_coding("xchunked").status, 501);
    EXPECT_EQ(check_transfer_coding("gzip").status, 501);
    EXPECT_EQ(check_transfer_coding("identity").status, 501);
    EXPECT_EQ(check_transfer_coding("chunked;x=1").status, 501);
    EXPECT_EQ(check_transfer_coding("chunked, identity").status, 400);
    EXPECT_EQ(check_transfer_coding("gzip, chunked").status, 400);
    EXPECT_EQ(check_transfer_coding("chunked,chunked").status, 400);
    EXPECT_EQ(check_transfer_coding(" , ").status, 400);
    EXPECT_EQ(check_transfer_coding("").status, 400);
}

TEST(RequestHead, RefusesTransferEncodingTwiceWithContentLengthOrOnHttp10) {
    EXPECT_EQ(status_of(head(bhttp::verb::post, "/x", {{"Host", "a"}, {"Transfer-Encoding", "chunked"}})), 0);
    EXPECT_EQ(status_of(head(bhttp::verb::post, "/x", {{"Host", "a"}, {"Transfer-Encoding", "xchunked"}})), 501);
    EXPECT_EQ(status_of(head(bhttp::verb::post, "/x",
                             {{"Host", "a"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}})),
              400);
    // Not adjacent on the wire: still two lines.
    EXPECT_EQ(status_of(head(bhttp::verb::post, "/x",
                             {{"Transfer-Encoding", "chunked"}, {"Host", "a"}, {"Transfer-Encoding", "chunked"}})),
              400);
    EXPECT_EQ(status_of(head(bhttp::verb::post, "/x",
                             {{"Host", "a"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}})),
              400);
    // Content-Length with an unknown coding is 400 (conflicting framing), not 501.
    EXPECT_EQ(status_of(head(bhttp::verb::post, "/x",
                             {{"Host", "a"}, {"Content-Length", "3"}, {"Transfer-Encoding", "identity"}})),
              400);
    EXPECT_EQ(status_of(head(bhttp::verb::post, "/x", {{"Transfer-Encoding", "chunked"}}, 10)), 400);
}

TEST(RequestHead, NeedsExactlyOneValidHostOnHttp11) {
    EXPECT_EQ(status_of(head(bhttp::verb::get, "/", {{"Host", "app.example.test"}})), 0);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "/", {})), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "/", {}, 10)), 0);  // HTTP/1.0 may leave it out
    EXPECT_EQ(status_of(head(bhttp::verb::get, "/", {{"Host", "a"}, {"Host", "a"}})), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "/", {{"Host", "a"}, {"X", "y"}, {"host", "b"}})), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "/", {{"Host", "a"}, {"Host", "b"}}, 10)), 400);
    for (const char* bad : {"a b", "user@app.example.test", "app.example.test/x", "app\\x", "a\x01", "a:8o",
                            "[::1", "[zz]", ":80", "a:123456", "a%2"})
        EXPECT_EQ(status_of(head(bhttp::verb::get, "/", {{"Host", bad}})), 400) << bad;
}

TEST(ValidHost, AcceptsNamesAddressesAndPorts) {
    for (const char* good : {"", "app.example.test", "app.example.test.", "APP.example.test:8443", "127.0.0.1:80",
                             "[::1]", "[::1]:4180", "[2001:db8::7]", "a:", "xn--bcher-kva.example"})
        EXPECT_TRUE(valid_host(good)) << good;
    for (const char* bad : {" app", "a b", "a@b", "a/b", "a\\b", "a\tb", "a\r", "[::1]x", "[fe80::1%25eth0]",
                            "a:b:c", "[v1.x]"})
        EXPECT_FALSE(valid_host(bad)) << bad;
}

TEST(RequestTarget, SplitsEachForm) {
    auto t = split_request_target("/a/b?c=d");
    EXPECT_EQ(t.form, RequestTarget::Form::origin);
    EXPECT_EQ(t.path, "/a/b");
    EXPECT_EQ(t.query, "c=d");

    t = split_request_target("http://app.example.test:8080/x/y?z=1");
    EXPECT_EQ(t.form, RequestTarget::Form::absolute);
    EXPECT_EQ(t.scheme, "http");
    EXPECT_EQ(t.authority, "app.example.test:8080");
    EXPECT_EQ(t.path, "/x/y");
    EXPECT_EQ(t.query, "z=1");

    t = split_request_target("HTTPS://app.example.test?q");
    EXPECT_EQ(t.form, RequestTarget::Form::absolute);
    EXPECT_EQ(t.path, "/");
    EXPECT_EQ(t.query, "q");

    EXPECT_EQ(split_request_target("*").form, RequestTarget::Form::asterisk);
    EXPECT_EQ(split_request_target("app.example.test:443").form, RequestTarget::Form::authority);
    EXPECT_EQ(split_request_target("app.example.test").form, RequestTarget::Form::invalid);
    EXPECT_EQ(split_request_target("http:/x").form, RequestTarget::Form::invalid);
}

TEST(RequestHead, ChecksTheTargetForm) {
    const std::vector<std::pair<std::string, std::string>> host = {{"Host", "gatehouse"}};
    EXPECT_EQ(status_of(head(bhttp::verb::get, "http://app.example.test/x?y", host)), 0);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "https://app.example.test", host)), 0);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "ftp://app.example.test/x", host)), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "http:///x", host)), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "http://user@app.example.test/x", host)), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "http://app.example.test\\@evil/x", host)), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::options, "*", host)), 0);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "*", host)), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::connect, "app.example.test:443", host)), 400);
    EXPECT_EQ(status_of(head(bhttp::verb::get, "app.example.test:443", host)), 400);
    // An absolute-form request still needs its Host line on HTTP/1.1 (RFC 9112 §3.2).
    EXPECT_EQ(status_of(head(bhttp::verb::get, "http://app.example.test/x", {})), 400);
}

TEST(Request, AbsoluteFormTargetGivesItsPathQueryAndAuthority) {
    const auto m = head(bhttp::verb::get, "http://app.example.test/admin?x=1", {{"Host", "other.example.test"}});
    const Request r(m);
    EXPECT_EQ(r.path(), "/admin");
    EXPECT_EQ(r.query(), "x=1");
    EXPECT_EQ(r.authority(), "app.example.test");  // Host is ignored then
    EXPECT_EQ(r.target(), "http://app.example.test/admin?x=1");

    const auto origin = head(bhttp::verb::get, "/admin?x=1", {{"Host", "app.example.test:8443"}});
    const Request o(origin);
    EXPECT_EQ(o.path(), "/admin");
    EXPECT_EQ(o.authority(), "app.example.test:8443");

    const auto bare = head(bhttp::verb::get, "http://app.example.test", {{"Host", "x"}});
    EXPECT_EQ(Request(bare).path(), "/");
    EXPECT_EQ(Request(head(bhttp::verb::get, "/", {}, 10)).authority(), "");
}
