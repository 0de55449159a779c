#pragma once
// Protobuf's wire format read as views and written straight into a buffer. The generated classes would parse a
// CheckRequest into a map of std::string nodes and build the answer out of heap-allocated sub-messages (protobuf
// 3.21's Clear() frees them), a few dozen allocations a call; the door needs only views of a dozen fields and
// writes a handful. The writer is a few lines over protobuf's varint helpers. Field numbers come from our .proto
// files (proto/), which stay the reference and the tests' oracle.
//
// Reading is a cursor of our own over the one flat buffer a gRPC message arrives in. It was protobuf's
// CodedInputStream first: a call into the library per field and a limit pushed and popped per sub-message cost
// ~4,200 instructions for Envoy's 260-byte CheckRequest, a third of a Check's own work and more than the gate's
// decision. The format is five wire types; the cursor applies protobuf's bounds to each (noted where they are), and
// the ext_authz fuzz target holds it to the generated parser: what protobuf reads, the cursor reads alike.
#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace gh::doors::envoy_grpc::wire {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5 };
enum class Next { field, end, malformed };

class Reader {
public:
    explicit Reader(std::string_view bytes)
        : p_(reinterpret_cast<const std::uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

    // The next field's tag (`field`), the end of the message, or a tag protobuf refuses: one of more than 5 bytes
    // (protobuf's bound; kept to 32 bits, as protobuf keeps it), or 0 (no field has number 0).
    Next next_tag(std::uint32_t& tag) {
        if (p_ == end_) return Next::end;
        std::uint64_t value = 0;
        const int size = front_varint(5, value);
        tag = static_cast<std::uint32_t>(value);
        if (size == 0 || tag == 0) return Next::malformed;
        p_ += size;
        return Next::field;
    }
    // A length as protobuf reads one: in at most 5 bytes, below 2^31, with the bytes it announces all there. (A
    // longer varint with its high bits dropped would read 2^32 + 9 as 9, and the bytes after it as fields.)
    bool read_length(std::uint32_t& length) {
        std::uint64_t value = 0;
        const int size = front_varint(5, value);
        if (size == 0 || value > 0x7fffffff || value > static_cast<std::size_t>(end_ - p_) - size) return false;
        p_ += size;
        length = static_cast<std::uint32_t>(value);
        return true;
    }
    // One length-delimited field's bytes, as a view into the input.
    bool read_view(std::string_view& out) {
        std::uint32_t length = 0;
        if (!read_length(length)) return false;
        out = length == 0 ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(p_), length);
        p_ += length;
        return true;
    }
    // The same for a proto3 `string` field, which must be UTF-8: protobuf's own parser refuses the message otherwise
    // (and Envoy's would refuse an answer that repeated such a value).
    bool read_string(std::string_view& out);
    // The sub-message that starts here, its length first, as a cursor of its own; this one moves past it.
    bool enter(Reader& inner) {
        std::uint32_t length = 0;
        if (depth_ >= kMaxDepth || !read_length(length)) return false;
        inner.p_ = p_;
        inner.end_ = p_ + length;
        inner.depth_ = depth_ + 1;
        p_ += length;
        return true;
    }
    // Skips a field the door does not read, of any wire type, as protobuf does.
    bool skip(std::uint32_t tag);

private:
    // The varint at the read position if it ends within `max_bytes`: its size, and its value; 0 when it does not.
    int front_varint(std::size_t max_bytes, std::uint64_t& value) const {
        value = 0;
        const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(end_ - p_), max_bytes);
        for (std::size_t i = 0; i < n; ++i) {
            value |= static_cast<std::uint64_t>(p_[i] & 0x7f) << (7 * i);
            if (!(p_[i] & 0x80)) return static_cast<int>(i + 1);
        }
        return 0;
    }
    bool skip_bytes(std::size_t n) {
        if (static_cast<std::size_t>(end_ - p_) < n) return false;
        p_ += n;
        return true;
    }
    bool skip_group(std::uint32_t number);

    const std::uint8_t* p_;
    const std::uint8_t* end_;
    // Sub-messages and groups around the read position. protobuf's parser has one budget for both, its recursion
    // limit (100): a group nested 96 deep in a HeaderValue (itself 5 messages deep) is refused there, so here too.
    static constexpr int kMaxDepth = 100;
    int depth_ = 0;
};

// Calls `field(tag, in)` for each field of the message in `bytes`; `field` reads or skips it and returns false
// on malformed input. Returns false when the bytes are not a well-formed message.
template <class OnField>
bool for_each_field(Reader& in, OnField&& field) {
    for (;;) {
        std::uint32_t tag = 0;
        switch (in.next_tag(tag)) {
            case Next::end: return true;
            case Next::malformed: return false;
            case Next::field: break;
        }
        if (!field(tag, in)) return false;
    }
}
template <class OnField>
bool for_each_field(std::string_view bytes, OnField&& field) {
    Reader in(bytes);
    return for_each_field(in, field);
}
// The same for the sub-message that starts at `in` (its length first). False when it is malformed or cut short.
template <class OnField>
bool for_each_nested_field(Reader& in, OnField&& field) {
    Reader inner(std::string_view{});
    return in.enter(inner) && for_each_field(inner, field);
}
// The shape of a message as our .proto files declare it, for the fields the door does not read but protobuf's parser
// checks all the same: a `string` must be UTF-8 and a sub-message well-formed, its own strings checked in turn
// (protobuf refuses the whole message otherwise). A field whose wire type differs from its declaration is an unknown
// field to protobuf, skipped as one; so is every field the shape does not name.
struct MessageShape;
struct FieldShape {
    std::uint32_t number;
    const MessageShape* message;  // null for a `string`
};
struct MessageShape {
    std::span<const FieldShape> fields;
};
// Skips the field `tag` of a message of `shape`, as protobuf would read it.
bool skip_checked(Reader& in, std::uint32_t tag, const MessageShape& shape);

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
    void varint(std::uint64_t v) {
        // Tags, and the lengths of header names and values, mostly fit one byte.
        if (v < 0x80) {
            *p_++ = static_cast<std::uint8_t>(v);
            return;
        }
        p_ = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(v, p_);
    }
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
