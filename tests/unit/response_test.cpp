// The answer a handler writes (http/response.hpp): status line, headers, and what a HEAD or HTTP/1.0 request
// changes in it.
#include <gtest/gtest.h>

#include <string>

#include "http/response.hpp"

using gh::http::Response;

TEST(Response, GatewayErrorsHaveTheirReasonPhrases) {
    EXPECT_EQ(gh::http::reason_phrase(502), "Bad Gateway");
    EXPECT_EQ(gh::http::reason_phrase(504), "Gateway Timeout");
}

TEST(Response, AHeadAnswerHasTheLengthOfTheBodyButNotTheBody) {
    std::string out;
    Response res(out, true);
    res.answer_head_request();
    res.status(200);
    res.finish("hello");
    EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n");
    EXPECT_EQ(res.body_size(), 0u);
}

TEST(Response, AnHttp10ClientIsToldTheConnectionStaysOpenOnlyWhenItDoes) {
    std::string kept, closed;
    Response open(kept, true), shut(closed, false);
    for (Response* r : {&open, &shut}) {
        r->answer_http10();
        r->status(200);
        r->finish("OK");
    }
    EXPECT_NE(kept.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
    EXPECT_NE(closed.find("\r\nConnection: close\r\n"), std::string::npos);
    EXPECT_EQ(closed.find("keep-alive"), std::string::npos);
}

TEST(Response, CrLfAndNulInAHeaderValueAreDropped) {
    std::string out;
    Response res(out, true);
    res.status(202);
    res.header("X-Auth-Request-User", std::string("bob\r\nSet-Cookie: x=1\0", 22));
    res.finish();
    EXPECT_NE(out.find("X-Auth-Request-User: bobSet-Cookie: x=1\r\n"), std::string::npos);
}
