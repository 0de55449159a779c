// gRPC's own rules (grpc_protocol) and the door's reading of protobuf's wire format, against the generated classes
// of the same .proto files where they say what protobuf itself does.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "doors/envoy_grpc/check_translation.hpp"
#include "doors/envoy_grpc/grpc_protocol.hpp"
#include "envoy/service/auth/v3/external_auth.pb.h"
#include "text/utf8.hpp"

using namespace gh;
using namespace gh::doors::envoy_grpc;
using namespace std::chrono_literals;

TEST(Utf8, WellFormedOnly) {
    EXPECT_TRUE(text::valid_utf8("plain ascii"));
    EXPECT_TRUE(text::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92"));
    EXPECT_FALSE(text::valid_utf8("\x89"));                 // a continuation byte alone
    EXPECT_FALSE(text::valid_utf8("\xc0\xaf"));             // overlong '/'
    EXPECT_FALSE(text::valid_utf8("\xed\xa0\x80"));         // a surrogate
    EXPECT_FALSE(text::valid_utf8("\xf4\x90\x80\x80"));     // past U+10FFFF
    EXPECT_FALSE(text::valid_utf8("\xe2\x82"));             // cut short
}

TEST(GrpcProtocol, TimeoutsAsTheProtocolWritesThem) {
    EXPECT_EQ(parse_timeout("200m"), std::chrono::nanoseconds(200ms));
    EXPECT_EQ(parse_timeout("1S"), std::chrono::nanoseconds(1s));
    EXPECT_EQ(parse_timeout("2H"), std::chrono::nanoseconds(2h));
    EXPECT_EQ(parse_timeout("99999999n"), std::chrono::nanoseconds(99999999));
    // Eight digits are allowed in every unit; those past nanoseconds' range are the longest timeout, not a wrap.
    EXPECT_EQ(parse_timeout("99999999H"), std::chrono::nanoseconds(kLongestTimeout));
    EXPECT_EQ(parse_timeout("2562048H"), std::chrono::nanoseconds(kLongestTimeout));
    EXPECT_EQ(parse_timeout("99999999M"), std::chrono::nanoseconds(kLongestTimeout));
    EXPECT_EQ(parse_timeout("876000H"), std::chrono::nanoseconds(kLongestTimeout));
    EXPECT_EQ(parse_timeout("875999H"), std::chrono::nanoseconds(875999h));
    EXPECT_FALSE(parse_timeout("123456789m"));  // nine digits
    EXPECT_FALSE(parse_timeout("m"));
    EXPECT_FALSE(parse_timeout("10"));
    EXPECT_FALSE(parse_timeout("-1S"));
    EXPECT_FALSE(parse_timeout("1s"));  // units are case-sensitive: 's' is not one
}

TEST(GrpcProtocol, ContentTypes) {
    EXPECT_TRUE(is_grpc_content_type("application/grpc"));
    EXPECT_TRUE(is_grpc_content_type("application/grpc+proto"));
    EXPECT_TRUE(is_grpc_content_type("Application/GRPC; charset=x"));
    EXPECT_FALSE(is_grpc_content_type("application/grpc+json"));
    EXPECT_FALSE(is_grpc_content_type("application/grpc-web"));
    EXPECT_FALSE(is_grpc_content_type("application/json"));
}

TEST(GrpcProtocol, OneMessagePerUnaryCall) {
    std::string body;
    append_prefix(3, body);
    body += "abc";
    std::string_view message;
    EXPECT_EQ(one_message(body, message), Framing::ok);
    EXPECT_EQ(message, "abc");
    EXPECT_EQ(one_message(body + "x", message), Framing::length_mismatch);
    EXPECT_EQ(one_message(body.substr(0, 4), message), Framing::empty);
    std::string compressed = body;
    compressed[0] = 1;
    EXPECT_EQ(one_message(compressed, message), Framing::compressed);
    std::string out;
    percent_encode_message("100% sure\n\xc3\xa9", out);
    EXPECT_EQ(out, "100%25 sure%0A%C3%A9");
}

namespace {

namespace pb = envoy::service::auth::v3;

std::string wire_of(const char* host) {
    pb::CheckRequest r;
    auto* http = r.mutable_attributes()->mutable_request()->mutable_http();
    http->set_method("GET");
    http->set_host(host);
    http->set_path("/");
    return r.SerializeAsString();
}

}  // namespace

TEST(CheckWire, InvalidUtf8InAFieldTheDoorReadsIsMalformedAsProtobufSays) {
    const std::string bytes = wire_of("app.e\x89xample.com");
    CheckView view;
    EXPECT_EQ(read_check_request(bytes, view), ReadResult::malformed);
    pb::CheckRequest oracle;
    EXPECT_FALSE(oracle.ParseFromString(bytes));
}

TEST(CheckWire, UnknownFieldsOfAnyWireTypeAreSkippedAndRepeatedMessagesMerge) {
    std::string bytes = wire_of("first.example.com");
    // Field 1 (attributes) once more, holding request.http.host: protobuf merges the two.
    pb::CheckRequest second;
    second.mutable_attributes()->mutable_request()->mutable_http()->set_host("second.example.com");
    bytes += second.SerializeAsString();
    // A start-group/end-group pair as field 99, a fixed32 as field 98, and field 1 as a varint (a known number with
    // another wire type: an unknown field to protobuf).
    bytes += std::string("\x9b\x06\x08\x01\x9c\x06", 6);
    bytes += std::string("\x95\x06\x01\x02\x03\x04", 6);
    bytes += std::string("\x08\x05", 2);
    pb::CheckRequest oracle;
    ASSERT_TRUE(oracle.ParseFromString(bytes));
    CheckView view;
    ASSERT_EQ(read_check_request(bytes, view), ReadResult::ok);
    EXPECT_EQ(view.host, oracle.attributes().request().http().host());
    EXPECT_EQ(view.host, "second.example.com");
    EXPECT_EQ(view.method, "GET");
}

TEST(CheckWire, TruncatedBytesAreNotACheckRequest) {
    const std::string bytes = wire_of("app.example.com");
    for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
        CheckView view;
        pb::CheckRequest oracle;
        const bool parsed = oracle.ParseFromString(bytes.substr(0, cut));
        EXPECT_EQ(read_check_request(bytes.substr(0, cut), view) == ReadResult::malformed, !parsed) << cut;
    }
}

namespace {

std::string varint_bytes(std::uint64_t v) {
    std::string out;
    do {
        char b = static_cast<char>(v & 0x7f);
        v >>= 7;
        if (v) b = static_cast<char>(b | 0x80);
        out += b;
    } while (v);
    return out;
}

// `v` written in exactly `size` bytes (non-minimal when longer than it needs).
std::string varint_in(std::uint64_t v, int size) {
    std::string out;
    for (int i = 0; i < size; ++i) {
        char b = static_cast<char>(v & 0x7f);
        v >>= 7;
        if (i + 1 < size) b = static_cast<char>(b | 0x80);
        out += b;
    }
    return out;
}

std::string length_field(int number, const std::string& payload) {
    return varint_bytes(static_cast<std::uint64_t>(number) << 3 | 2) + varint_bytes(payload.size()) + payload;
}

// A CheckRequest for GET app.example.com whose HttpRequest ends with `tail` (raw bytes: the path field, an unknown
// field …), each field's tag and length as the test writes them.
std::string check_with_http_tail(const std::string& tail) {
    const std::string http = length_field(2, "GET") + length_field(5, "app.example.com") + tail;
    return length_field(1, length_field(4, length_field(2, http)));
}

}  // namespace

// H24: lengths and tags are read as protobuf's parser reads them, in at most 5 bytes (a length below 2^31), not as
// CodedInputStream::ReadVarint32 does (up to 10 bytes, high bits dropped: a length of 2^32 + 9 was read as 9, and a
// path protobuf refuses to read was judged).
TEST(CheckWire, LengthsAndTagsAreReadInProtobufsOwnShapeOnly) {
    const std::string path = "/public/x";
    const std::string tag4 = "\x22";  // field 4 (path), length-delimited
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"minimal length", tag4 + varint_bytes(path.size()) + path},
        {"length in 2 bytes", tag4 + varint_in(path.size(), 2) + path},
        {"length in 5 bytes", tag4 + varint_in(path.size(), 5) + path},
        {"length in 6 bytes", tag4 + varint_in(path.size(), 6) + path},
        {"length in 10 bytes", tag4 + varint_in(path.size(), 10) + path},
        {"length 2^32 + 9 in 5 bytes", tag4 + varint_in((1ull << 32) + path.size(), 5) + path},
        {"length 2^32 + 9 in 6 bytes", tag4 + varint_in((1ull << 32) + path.size(), 6) + path},
        {"tag in 5 bytes", varint_in(0x22, 5) + varint_bytes(path.size()) + path},
        {"tag in 6 bytes", varint_in(0x22, 6) + varint_bytes(path.size()) + path},
        {"unknown field, length in 6 bytes", "\xa2\x01" + varint_in(1, 6) + "x" + tag4 + varint_bytes(path.size()) + path},
        {"unknown group holding a length in 6 bytes",
         "\xa3\x01" + std::string("\x0a") + varint_in(1, 6) + "x" + "\xa4\x01" + tag4 + varint_bytes(path.size()) + path},
        {"unknown group closed by another number", "\xa3\x01\xac\x01" + tag4 + varint_bytes(path.size()) + path},
        {"field number 0", std::string("\x02\x01x", 3) + tag4 + varint_bytes(path.size()) + path},
    };
    for (const auto& [name, tail] : cases) {
        const std::string bytes = check_with_http_tail(tail);
        pb::CheckRequest oracle;
        const bool parsed = oracle.ParseFromString(bytes);
        CheckView view;
        const ReadResult read = read_check_request(bytes, view);
        EXPECT_EQ(read == ReadResult::malformed, !parsed) << name;
        if (parsed && read == ReadResult::ok) {
            EXPECT_EQ(view.path_and_query, oracle.attributes().request().http().path()) << name;
        }
    }
    // Groups nested well within protobuf's depth are skipped; far past it, refused, as protobuf does.
    for (const int depth : {50, 300}) {
        std::string groups;
        for (int i = 0; i < depth; ++i) groups += "\xa3\x01";
        for (int i = 0; i < depth; ++i) groups += "\xa4\x01";
        const std::string bytes = check_with_http_tail(groups + tag4 + varint_bytes(path.size()) + path);
        pb::CheckRequest oracle;
        CheckView view;
        EXPECT_EQ(read_check_request(bytes, view) == ReadResult::malformed, !oracle.ParseFromString(bytes)) << depth;
    }
}

// Found by the ext_authz fuzz differential: a field 3 in an entry of the `headers` map (map<string, string>) is an
// unknown field to protobuf, not HeaderValue's raw_value: the cookie is the entry's value, here "", not field 3's.
TEST(CheckWire, AMapEntrysFieldThreeIsUnknownNotARawValue) {
    const std::string entry = length_field(1, "cookie") + length_field(3, "_oauth2_proxy=forged");
    const std::string path = length_field(4, "/");
    const std::string bytes = check_with_http_tail(path + length_field(3, entry));
    pb::CheckRequest oracle;
    ASSERT_TRUE(oracle.ParseFromString(bytes));
    ASSERT_EQ(oracle.attributes().request().http().headers().at("cookie"), "");
    CheckView view;
    ASSERT_EQ(read_check_request(bytes, view), ReadResult::ok);
    EXPECT_EQ(view.cookie, "");
    // In header_map (field 13), a HeaderValue's field 3 is its raw_value.
    const std::string header_map = length_field(13, length_field(1, entry));
    const std::string header_map_bytes = check_with_http_tail(path + header_map);  // the view's fields point into it
    CheckView from_header_map;
    ASSERT_EQ(read_check_request(header_map_bytes, from_header_map), ReadResult::ok);
    EXPECT_EQ(from_header_map.cookie, "_oauth2_proxy=forged");
}

// D26-F1: a `string` field the door skips is still one to protobuf, which refuses the whole message when it is not
// UTF-8: the door refuses it too (it read such fields as bytes and judged the Check).
TEST(CheckWire, InvalidUtf8InAStringFieldTheDoorSkipsIsMalformedAsProtobufSays) {
    const std::string path = length_field(4, "/");
    const std::string bad = "\xff\xfe";
    const std::string peer_with_principal = length_field(4, bad);                           // Peer.principal
    const std::string peer_with_label = length_field(3, length_field(1, "k") + length_field(2, bad));  // labels
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"HttpRequest.query", check_with_http_tail(path + length_field(7, bad))},
        {"HttpRequest.protocol", check_with_http_tail(path + length_field(10, bad))},
        {"HttpRequest.body", check_with_http_tail(path + length_field(11, bad))},
        {"destination.principal", check_with_http_tail(path) + length_field(1, length_field(2, peer_with_principal))},
        {"source.labels value", check_with_http_tail(path) + length_field(1, length_field(1, peer_with_label))},
        {"context_extensions key", check_with_http_tail(path) +
                                       length_field(1, length_field(10, length_field(1, bad) + length_field(2, "v")))},
    };
    for (const auto& [name, bytes] : cases) {
        pb::CheckRequest oracle;
        ASSERT_FALSE(oracle.ParseFromString(bytes)) << name;
        CheckView view;
        EXPECT_EQ(read_check_request(bytes, view), ReadResult::malformed) << name;
    }
    // The same fields in UTF-8, and raw_body (bytes) in anything: read.
    const std::string fine = check_with_http_tail(path + length_field(7, "q=caf\xc3\xa9") + length_field(12, bad)) +
                             length_field(1, length_field(2, length_field(4, "spiffe://x")));
    pb::CheckRequest oracle;
    ASSERT_TRUE(oracle.ParseFromString(fine));
    CheckView view;
    EXPECT_EQ(read_check_request(fine, view), ReadResult::ok);
}

// D26-F2: protobuf's recursion limit (100) counts sub-messages and groups together: groups nested inside a
// HeaderValue (5 messages deep) are refused from the 96th on, as protobuf refuses them.
TEST(CheckWire, GroupsCountWithTheMessagesAroundThemAgainstTheDepthLimit) {
    for (const int depth : {95, 96}) {
        std::string groups;
        for (int i = 0; i < depth; ++i) groups += "\x4b";  // field 9, START_GROUP
        for (int i = 0; i < depth; ++i) groups += "\x4c";  // field 9, END_GROUP
        const std::string header_value = length_field(1, "x-note") + length_field(2, "n") + groups;
        const std::string bytes = check_with_http_tail(length_field(4, "/") + length_field(13, length_field(1, header_value)));
        pb::CheckRequest oracle;
        const bool parsed = oracle.ParseFromString(bytes);
        EXPECT_EQ(parsed, depth == 95) << depth;
        CheckView view;
        EXPECT_EQ(read_check_request(bytes, view) == ReadResult::malformed, !parsed) << depth;
    }
}
