#pragma once
// Protobuf's wire format read as views and written straight into a buffer. The generated classes would parse a
// CheckRequest into a map of std::string nodes and build the answer out of heap-allocated sub-messages (protobuf
// 3.21's Clear() frees them), a few dozen allocations a call; the door needs only views of a dozen fields and
// writes a handful. Reading uses protobuf's own CodedInputStream; the writer is a few lines over its varint
// helpers. Field numbers come from our .proto files (proto/), which stay the reference and the tests' oracle.
#include <google/protobuf/io/coded_stream.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace gh::doors::envoy_grpc::wire {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

// Reads one length-delimited field's bytes as a view into the input (which must be one flat buffer).
bool read_view(google::protobuf::io::CodedInputStream& in, std::string_view& out);
// Skips a field of any wire type but the deprecated groups (which no message of ours has): false for those.
bool skip(google::protobuf::io::CodedInputStream& in, std::uint32_t tag);

// Calls `field(number, in)` for each field of the message in `bytes`; `field` reads or skips it and returns false
// on malformed input. Returns false when the bytes are not a well-formed message.
template <class OnField>
bool for_each_field(std::string_view bytes, OnField&& field) {
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                              static_cast<int>(bytes.size()));
    for (;;) {
        const std::uint32_t tag = in.ReadTag();
        if (tag == 0) return in.ConsumedEntireMessage();  // the end, not a tag of 0 (malformed)
        if (!field(tag, in)) return false;
    }
}
constexpr std::uint32_t number_of(std::uint32_t tag) { return tag >> 3; }
constexpr std::uint32_t type_of(std::uint32_t tag) { return tag & 7; }
constexpr std::uint32_t tag_of(std::uint32_t number, WireType type) { return (number << 3) | type; }

// Writes a message to a sink that either counts its bytes (to prefix a sub-message with its length) or appends
// them. A message is written by a function over any sink; `nested` measures it once, then writes it.
struct Counter {
    std::size_t size = 0;
    void raw(std::string_view bytes) { size += bytes.size(); }
    void varint(std::uint64_t v) { size += google::protobuf::io::CodedOutputStream::VarintSize64(v); }
};
struct Appender {
    std::string& out;
    void raw(std::string_view bytes) { out.append(bytes); }
    void varint(std::uint64_t v) {
        std::uint8_t buffer[10];
        const auto* end = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(v, buffer);
        out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(end - buffer));
    }
};

// proto3: a string or bytes field equal to "" is not written.
template <class Sink>
void string_field(Sink& sink, std::uint32_t number, std::string_view value) {
    if (value.empty()) return;
    sink.varint(tag_of(number, kLength));
    sink.varint(value.size());
    sink.raw(value);
}
// A repeated string: every element written, even "".
template <class Sink>
void repeated_string(Sink& sink, std::uint32_t number, std::string_view value) {
    sink.varint(tag_of(number, kLength));
    sink.varint(value.size());
    sink.raw(value);
}
// proto3: a scalar equal to 0 is not written.
template <class Sink>
void varint_field(Sink& sink, std::uint32_t number, std::uint64_t value) {
    if (value == 0) return;
    sink.varint(tag_of(number, kVarint));
    sink.varint(value);
}
// A sub-message, written even when empty (its presence is what it says).
template <class Sink, class Body>
void message_field(Sink& sink, std::uint32_t number, Body&& body) {
    Counter size;
    body(size);
    sink.varint(tag_of(number, kLength));
    sink.varint(size.size);
    body(sink);
}

}  // namespace gh::doors::envoy_grpc::wire
