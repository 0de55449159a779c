#include "doors/envoy_grpc/protobuf_wire.hpp"

#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <span>

#include "text/utf8.hpp"

namespace gh::doors::envoy_grpc::wire {

namespace {

// The bytes ahead of the read position, up to the current limit (the input is one flat buffer); empty at the end.
// One call into libprotobuf per field: each value is read from these bytes, then skipped over in one step.
std::span<const std::uint8_t> ahead(google::protobuf::io::CodedInputStream& in) {
    const void* data = nullptr;
    int available = 0;
    if (!in.GetDirectBufferPointer(&data, &available)) return {};
    return {static_cast<const std::uint8_t*>(data), static_cast<std::size_t>(available)};
}

// The varint at the front of `bytes` if it ends within 5 bytes (protobuf's bound for tags and lengths): its size,
// and its value; 0 when it does not.
int front_varint(std::span<const std::uint8_t> bytes, std::uint64_t& value) {
    value = 0;
    const std::size_t n = std::min<std::size_t>(bytes.size(), 5);
    for (std::size_t i = 0; i < n; ++i) {
        value |= static_cast<std::uint64_t>(bytes[i] & 0x7f) << (7 * i);
        if (!(bytes[i] & 0x80)) return static_cast<int>(i + 1);
    }
    return 0;
}

// A length at the front of `bytes`, below 2^31, with the bytes it announces all there: the length's own size.
int front_length(std::span<const std::uint8_t> bytes, std::uint32_t& length) {
    std::uint64_t value = 0;
    const int size = front_varint(bytes, value);
    if (size == 0 || value > 0x7fffffff || value > bytes.size() - static_cast<std::size_t>(size)) return 0;
    length = static_cast<std::uint32_t>(value);
    return size;
}

}  // namespace

Next next_tag(google::protobuf::io::CodedInputStream& in, std::uint32_t& tag) {
    const auto bytes = ahead(in);
    // Nothing before the limit (a sub-message's end) or the end of the input (the message's): a legitimate end, as
    // the input is one flat buffer.
    if (bytes.empty()) return Next::end;
    std::uint64_t value = 0;
    const int size = front_varint(bytes, value);
    // Kept to 32 bits, as ReadTag keeps them; a tag of 0 names no field.
    tag = static_cast<std::uint32_t>(value);
    if (size == 0 || tag == 0) return Next::malformed;
    in.Skip(size);
    return Next::field;
}

bool read_length(google::protobuf::io::CodedInputStream& in, std::uint32_t& length) {
    const int size = front_length(ahead(in), length);
    return size > 0 && in.Skip(size);
}

bool read_view(google::protobuf::io::CodedInputStream& in, std::string_view& out) {
    const auto bytes = ahead(in);
    std::uint32_t length = 0;
    const int size = front_length(bytes, length);
    if (size == 0) return false;
    const auto* value = reinterpret_cast<const char*>(bytes.data()) + size;
    out = length == 0 ? std::string_view{} : std::string_view(value, length);
    return in.Skip(size + static_cast<int>(length));
}

bool read_string(google::protobuf::io::CodedInputStream& in, std::string_view& out) {
    return read_view(in, out) && text::valid_utf8(out);
}

bool skip(google::protobuf::io::CodedInputStream& in, std::uint32_t tag) {
    if (number_of(tag) == 0) return false;  // field number 0 does not exist
    switch (type_of(tag)) {
        case kLength: {
            std::uint32_t length = 0;
            return read_length(in, length) && in.Skip(static_cast<int>(length));
        }
        case kStartGroup: {
            // Its fields up to the END_GROUP of the same number, each skipped by the same rules, nested at most as
            // deep as protobuf allows.
            if (!in.IncrementRecursionDepth()) return false;
            for (;;) {
                std::uint32_t inner = 0;
                if (next_tag(in, inner) != Next::field) return false;  // malformed, or the end inside a group
                if (type_of(inner) == kEndGroup) {
                    in.DecrementRecursionDepth();
                    return number_of(inner) == number_of(tag);
                }
                if (!skip(in, inner)) return false;
            }
        }
        default: return google::protobuf::internal::WireFormatLite::SkipField(&in, tag);  // varint, fixed, END_GROUP
    }
}

}  // namespace gh::doors::envoy_grpc::wire
