// What makes an HTTP/2 request's header block malformed (RFC 9113 §8.2-8.3), field by field: RequestFields, which
// the gRPC port applies in nghttp2's place. Each rule is shown refusing, with the reason a log line gives, next to
// the well-formed request it differs from.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/h2_request_fields.hpp"

using gh::http::RequestFields;
using gh::http::trailer_field_ok;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Envoy's ext_authz call, as it sends one.
Fields envoy_call() {
    return {{":method", "POST"},
            {":scheme", "http"},
            {":path", "/envoy.service.auth.v3.Authorization/Check"},
            {":authority", "ext-authz"},
            {"content-type", "application/grpc"},
            {"te", "trailers"},
            {"grpc-timeout", "250m"},
            {"x-request-id", "4f6d3b2e-9a1c-4c1e-8d0a-2b7e5f9c1d3a"},
            {"x-envoy-internal", "true"}};
}

// The reason the block is refused for, or "" when it is well-formed and complete.
std::string refusal(const Fields& fields) {
    RequestFields check;
    std::string why;
    for (const auto& [name, value] : fields)
        if (!check.add(name, value, why)) return why;
    return check.complete(why) ? "" : why;
}

Fields with(Fields fields, std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
    return fields;
}

Fields without(Fields fields, const std::string& name) {
    std::erase_if(fields, [&](const auto& f) { return f.first == name; });
    return fields;
}

}  // namespace

TEST(H2RequestFields, EnvoysCallIsWellFormed) {
    EXPECT_EQ(refusal(envoy_call()), "");
    // host may stand for :authority; obs-text and inner white space are allowed in values; te in any case.
    EXPECT_EQ(refusal(with(without(envoy_call(), ":authority"), "host", "ext-authz:9001")), "");
    EXPECT_EQ(refusal(with(envoy_call(), "x-name", "caf\xc3\xa9 au\tlait")), "");
    EXPECT_EQ(refusal(with(without(envoy_call(), "te"), "te", "Trailers")), "");
    EXPECT_EQ(refusal(with(envoy_call(), "x-empty", "")), "");
    EXPECT_EQ(refusal(with(envoy_call(), "content-length", "269")), "");
}

TEST(H2RequestFields, NamesAreLowerCaseTokens) {
    EXPECT_EQ(refusal(with(envoy_call(), "X-Request-Id", "1")), "field name 'X-Request-Id' is not a token in lower case");
    EXPECT_EQ(refusal(with(envoy_call(), "x request", "1")), "field name 'x request' is not a token in lower case");
    EXPECT_EQ(refusal(with(envoy_call(), "x:y", "1")), "field name 'x:y' is not a token in lower case");
    EXPECT_EQ(refusal(with(envoy_call(), "x\"y", "1")), "field name 'x\\x22y' is not a token in lower case");
    EXPECT_EQ(refusal(with(envoy_call(), std::string("x\0y", 3), "1")),
              "field name 'x\\x00y' is not a token in lower case");
    EXPECT_EQ(refusal(with(envoy_call(), "", "1")), "a field with an empty name");
}

TEST(H2RequestFields, ValuesHoldNoControlByteNorWhiteSpaceAtTheirEnds) {
    const std::string why = "field 'x-a' has a control byte in its value, or white space at its ends";
    for (const std::string& value : {std::string("a\r\nb"), std::string("a\nb"), std::string("a\0b", 3),
                                    std::string("a\x01z"), std::string("a\x7f"), std::string(" a"),
                                    std::string("a\t"), std::string("0123456789abcdef\x1f" "0123456789")})
        EXPECT_EQ(refusal(with(envoy_call(), "x-a", value)), why) << value;
    // A long value whose eight-byte words are all clean but for one byte, in the last word and in the tail.
    EXPECT_EQ(refusal(with(envoy_call(), "x-a", std::string(23, 'a') + '\n')), why);
    EXPECT_EQ(refusal(with(envoy_call(), "x-a", std::string(24, 'a') + "\x7f" "bc")), why);
}

TEST(H2RequestFields, ConnectionSpecificFieldsAndTe) {
    for (const std::string name : {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"})
        EXPECT_EQ(refusal(with(envoy_call(), name, "x")), "connection-specific field '" + name + "'");
    EXPECT_EQ(refusal(with(without(envoy_call(), "te"), "te", "gzip")), "te other than \"trailers\"");
    EXPECT_EQ(refusal(with(without(envoy_call(), "te"), "te", "trailers, gzip")), "te other than \"trailers\"");
}

TEST(H2RequestFields, PseudoHeaderFields) {
    Fields late = without(envoy_call(), ":authority");
    late.emplace_back(":authority", "ext-authz");  // after the regular fields
    EXPECT_EQ(refusal(late), "pseudo-header field ':authority' after a regular field");
    EXPECT_EQ(refusal(with(without(envoy_call(), "content-type"), ":path", "/other")),
              "pseudo-header field ':path' after a regular field");
    Fields twice = envoy_call();
    twice.insert(twice.begin() + 1, {":path", "/grpc.health.v1.Health/Check"});
    EXPECT_EQ(refusal(twice), "pseudo-header field ':path' twice");
    Fields unknown = envoy_call();
    unknown.insert(unknown.begin(), {":protocol", "websocket"});
    EXPECT_EQ(refusal(unknown), "':protocol' is not a request's pseudo-header field");
    unknown.front() = {":status", "200"};
    EXPECT_EQ(refusal(unknown), "':status' is not a request's pseudo-header field");

    const auto replaced = [](std::string name, std::string value) {
        Fields f = envoy_call();
        for (auto& field : f)
            if (field.first == name) field.second = std::move(value);
        return refusal(f);
    };
    EXPECT_EQ(replaced(":method", ""), "pseudo-header field ':method' has an invalid value");
    EXPECT_EQ(replaced(":method", "PO ST"), "pseudo-header field ':method' has an invalid value");
    EXPECT_EQ(replaced(":scheme", "1http"), "pseudo-header field ':scheme' has an invalid value");
    EXPECT_EQ(replaced(":scheme", "ht/tp"), "pseudo-header field ':scheme' has an invalid value");
    EXPECT_EQ(replaced(":path", ""), "pseudo-header field ':path' has an invalid value");
    EXPECT_EQ(replaced(":path", "envoy.service.auth.v3.Authorization/Check"),
              "pseudo-header field ':path' has an invalid value");
    EXPECT_EQ(replaced(":path", "/a b"), "pseudo-header field ':path' has an invalid value");
    EXPECT_EQ(replaced(":path", "/envoy.service.auth.v3.Authorization/Check\x7f"),
              "pseudo-header field ':path' has an invalid value");
    EXPECT_EQ(replaced(":authority", ""), "pseudo-header field ':authority' has an invalid value");
    EXPECT_EQ(replaced(":authority", "ext authz"), "pseudo-header field ':authority' has an invalid value");
    EXPECT_EQ(replaced(":authority", "ext-authz/x"), "pseudo-header field ':authority' has an invalid value");
    EXPECT_EQ(replaced(":path", "*"), "");  // OPTIONS' asterisk form; the call itself answers it
}

TEST(H2RequestFields, APseudoHeaderFieldTwiceIsRefusedBeforeItsValueIsRead) {
    // A second :authority is refused as such, whatever its value: its bytes are not scanned (D29-F3).
    Fields twice = envoy_call();
    twice.insert(twice.begin() + 4, {":authority", "ext authz with spaces"});
    EXPECT_EQ(refusal(twice), "pseudo-header field ':authority' twice");
}

TEST(H2RequestFields, WhatAPseudoHeaderValueWasFoundBeforeIsNotScannedAgain) {
    // The session says what a value was found as the same pseudo-header field earlier in the read: the byte rules
    // are skipped (passed, or failed: D29-F3, D30-F3), the counting rules are not.
    using gh::http::Found;
    using gh::http::RefusedPart;
    std::string why;
    const int authority = gh::http::pseudo_header_index(":authority");
    EXPECT_EQ(authority, 3);
    EXPECT_EQ(gh::http::pseudo_header_index(":protocol"), -1);
    RequestFields fields;
    EXPECT_TRUE(fields.add_pseudo(authority, ":authority", "not checked again", why, Found::passed));
    EXPECT_FALSE(fields.add_pseudo(authority, ":authority", "ext-authz", why, Found::passed));
    EXPECT_EQ(why, "pseudo-header field ':authority' twice");
    EXPECT_EQ(fields.refused_part(), RefusedPart::none);
    EXPECT_FALSE(fields.add_pseudo(-1, ":protocol", "websocket", why, Found::passed));
    EXPECT_EQ(why, "':protocol' is not a request's pseudo-header field");
    RequestFields unknown;
    EXPECT_FALSE(unknown.add_pseudo(authority, ":authority", "not a host", why, Found::unknown));
    EXPECT_EQ(why, "pseudo-header field ':authority' has an invalid value");
    EXPECT_EQ(unknown.refused_part(), RefusedPart::value);
    RequestFields failed;
    EXPECT_FALSE(failed.add_pseudo(authority, ":authority", "ext-authz", why, Found::failed));
    EXPECT_EQ(why, "pseudo-header field ':authority' has an invalid value");
}

TEST(H2RequestFields, WhatARegularFieldWasFoundBeforeIsNotScannedAgain) {
    using gh::http::Found;
    using gh::http::RefusedPart;
    std::string why;
    const auto start = [] {
        RequestFields f;
        std::string ignored;
        for (const auto& [name, value] : envoy_call())
            if (name.front() == ':') f.add(name, value, ignored);
        return f;
    };
    RequestFields bad_name = start();
    EXPECT_FALSE(bad_name.add("X-Upper", "1", why));
    EXPECT_EQ(bad_name.refused_part(), RefusedPart::name);
    RequestFields bad_value = start();
    EXPECT_FALSE(bad_value.add("x-a", std::string("a\x01") + "b", why));
    EXPECT_EQ(bad_value.refused_part(), RefusedPart::value);
    // Found failed before: refused with the same reason, without a scan; found passed: taken as is.
    RequestFields again = start();
    EXPECT_FALSE(again.add("x-a", "fine", why, {Found::failed, Found::unknown}));
    EXPECT_EQ(why, "field name 'x-a' is not a token in lower case");
    EXPECT_FALSE(again.add("x-a", "fine", why, {Found::passed, Found::failed}));
    EXPECT_EQ(why, "field 'x-a' has a control byte in its value, or white space at its ends");
    EXPECT_TRUE(again.add("x-a", "taken as is", why, {Found::passed, Found::passed}));
    RefusedPart part = RefusedPart::none;
    EXPECT_FALSE(trailer_field_ok("x-b", std::string("\x7f"), why, {}, &part));
    EXPECT_EQ(part, RefusedPart::value);
}

TEST(H2RequestFields, ARequestNeedsItsPseudoHeaderFields) {
    for (const std::string name : {":method", ":scheme", ":path"})
        EXPECT_EQ(refusal(without(envoy_call(), name)), "no :method, :scheme or :path") << name;
    EXPECT_EQ(refusal(without(envoy_call(), ":authority")), "neither :authority nor host");
    // CONNECT names only an authority, in whichever order its fields come.
    EXPECT_EQ(refusal({{":method", "CONNECT"}, {":authority", "example.com:443"}}), "");
    EXPECT_EQ(refusal({{":method", "CONNECT"}, {":path", "/"}, {":authority", "example.com:443"}}),
              "CONNECT with :scheme or :path");
    EXPECT_EQ(refusal({{":scheme", "http"}, {":method", "CONNECT"}, {":authority", "example.com:443"}}),
              "CONNECT with :scheme or :path");
    EXPECT_EQ(refusal({{":method", "CONNECT"}}), "CONNECT without :authority");
}

TEST(H2RequestFields, HostAndContentLengthOnce) {
    EXPECT_EQ(refusal(with(with(envoy_call(), "host", "a"), "host", "a")), "host twice");
    EXPECT_EQ(refusal(with(envoy_call(), "host", "")), "an empty host");
    EXPECT_EQ(refusal(with(with(envoy_call(), "content-length", "5"), "content-length", "5")), "content-length twice");
    for (const std::string value : {"", "-1", "5, 5", "0x10", "1234567890123456789"})
        EXPECT_EQ(refusal(with(envoy_call(), "content-length", value)), "content-length is not a number") << value;
    RequestFields check;
    std::string why;
    for (const auto& [name, value] : with(envoy_call(), "content-length", "269")) ASSERT_TRUE(check.add(name, value, why));
    EXPECT_EQ(check.content_length(), 269u);
    EXPECT_EQ(RequestFields().content_length(), std::nullopt);
}

TEST(H2RequestFields, TrailersHoldRegularFieldsOnly) {
    std::string why;
    EXPECT_TRUE(trailer_field_ok("x-checksum", "abc", why));
    EXPECT_FALSE(trailer_field_ok(":path", "/", why));
    EXPECT_EQ(why, "pseudo-header field ':path' in trailers");
    EXPECT_FALSE(trailer_field_ok("Grpc-Status", "0", why));
    EXPECT_EQ(why, "field name 'Grpc-Status' is not a token in lower case");
    EXPECT_FALSE(trailer_field_ok("transfer-encoding", "chunked", why));
    EXPECT_FALSE(trailer_field_ok("x-a", "a\r\n", why));
}
