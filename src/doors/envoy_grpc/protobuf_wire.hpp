#pragma once
// Protobuf's wire format read as views and written straight into a buffer. The generated classes would parse a
// CheckRequest into a map of std::string nodes and build the answer out of heap-allocated sub-messages (protobuf
// 3.21's Clear() frees them), a few dozen allocations a call; the door needs only views of a dozen fields and
// writes a handful. Reading uses protobuf's own CodedInputStream; the writer is a few lines over its varint
// helpers. Field numbers come from our .proto files (proto/), which stay the reference and the tests' oracle.
#include <google/protobuf/io/coded_stream.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace gh::doors::envoy_grpc::wire {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };

// Reads one length-delimited field's bytes as a view into the input (which must be one flat buffer).
bool read_view(google::protobuf::io::CodedInputStream& in, std::string_view& out);
// The same for a proto3 `string` field, which must be UTF-8: protobuf's own parser refuses the message otherwise
// (and Envoy's would refuse an answer that repeated such a value).
bool read_string(google::protobuf::io::CodedInputStream& in, std::string_view& out);
// Skips a field the door does not read, of any wire type, as protobuf does.
bool skip(google::protobuf::io::CodedInputStream& in, std::uint32_t tag);
// A length or a tag as protobuf's parser reads them: in at most 5 bytes, a length below 2^31. (CodedInputStream's
// ReadVarint32 and ReadTag take up to 10 bytes and drop the high bits: a length of 2^32 + 9 would be read as 9, and
// the bytes after it as fields, where protobuf refuses the message.) read_length also wants the bytes it announces
// to be there.
bool read_length(google::protobuf::io::CodedInputStream& in, std::uint32_t& length);
enum class Next { field, end, malformed };
// The next field's tag (`field`), the end of the message (or of the current limit), or a tag protobuf refuses.
Next next_tag(google::protobuf::io::CodedInputStream& in, std::uint32_t& tag);

// Calls `field(number, in)` for each field of the message in `bytes`; `field` reads or skips it and returns false
// on malformed input. Returns false when the bytes are not a well-formed message.
template <class OnField>
bool for_each_field(std::string_view bytes, OnField&& field) {
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                              static_cast<int>(bytes.size()));
    for (;;) {
        std::uint32_t tag = 0;
        switch (next_tag(in, tag)) {
            case Next::end: return true;
            case Next::malformed: return false;
            case Next::field: break;
        }
        if (!field(tag, in)) return false;
    }
}
// The same for the sub-message that starts at `in` (its length first), read within a limit on the same stream:
// one stream for the whole request, not one per sub-message. False when it is malformed or cut short.
template <class OnField>
bool for_each_nested_field(google::protobuf::io::CodedInputStream& in, OnField&& field) {
    std::uint32_t length = 0;
    if (!read_length(in, length)) return false;
    const auto limit = in.PushLimit(static_cast<int>(length));
    for (;;) {
        std::uint32_t tag = 0;
        const Next next = next_tag(in, tag);
        if (next == Next::end) break;
        // Malformed: the whole read fails, so the limit need not be popped.
        if (next == Next::malformed || !field(tag, in)) return false;
    }
    in.PopLimit(limit);
    return true;
}
constexpr std::uint32_t number_of(std::uint32_t tag) { return tag >> 3; }
constexpr std::uint32_t type_of(std::uint32_t tag) { return tag & 7; }
constexpr std::uint32_t tag_of(std::uint32_t number, WireType type) { return (number << 3) | type; }

// Writing: a sub-message is preceded by its length, so each message's size is computed first (from the sizes of its
// fields: the arithmetic below), then its bytes appended in one pass.
inline std::size_t varint_size(std::uint64_t v) { return google::protobuf::io::CodedOutputStream::VarintSize64(v); }
// A length-delimited field of `payload` bytes, whole.
inline std::size_t length_field_size(std::uint32_t number, std::size_t payload) {
    return varint_size(tag_of(number, kLength)) + varint_size(payload) + payload;
}
// proto3 leaves out a string equal to "" and a scalar equal to 0.
inline std::size_t string_field_size(std::uint32_t number, std::string_view value) {
    return value.empty() ? 0 : length_field_size(number, value.size());
}
inline std::size_t varint_field_size(std::uint32_t number, std::uint64_t value) {
    return value == 0 ? 0 : varint_size(tag_of(number, kVarint)) + varint_size(value);
}

// Appends a message of a size computed beforehand to `out`: the buffer grows once, and each field is written
// straight into it (a string append per varint cost more than the rest of the answer).
class Writer {
public:
    Writer(std::string& out, std::size_t size) : out_(out), start_(out.size()) {
        out.resize(start_ + size);
        p_ = reinterpret_cast<std::uint8_t*>(out.data()) + start_;
    }
    // Whether exactly the announced size was written (a mismatch is a bug in a size computation).
    bool complete() const {
        return p_ == reinterpret_cast<const std::uint8_t*>(out_.data()) + out_.size();
    }
    void varint(std::uint64_t v) { p_ = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(v, p_); }
    // The start of a sub-message (or bytes) of `size` bytes, which the caller then writes.
    void message_header(std::uint32_t number, std::size_t size) {
        varint(tag_of(number, kLength));
        varint(size);
    }
    void string_field(std::uint32_t number, std::string_view value) {
        if (value.empty()) return;
        repeated_string(number, value);
    }
    // An element of a repeated string: written even when "".
    void repeated_string(std::uint32_t number, std::string_view value) {
        message_header(number, value.size());
        if (!value.empty()) std::memcpy(p_, value.data(), value.size());
        p_ += value.size();
    }
    void varint_field(std::uint32_t number, std::uint64_t value) {
        if (value == 0) return;
        varint(tag_of(number, kVarint));
        varint(value);
    }

private:
    std::string& out_;
    std::size_t start_;
    std::uint8_t* p_;
};

}  // namespace gh::doors::envoy_grpc::wire
