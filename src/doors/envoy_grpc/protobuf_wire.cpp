#include "doors/envoy_grpc/protobuf_wire.hpp"

#include <google/protobuf/wire_format_lite.h>

#include "text/utf8.hpp"

namespace gh::doors::envoy_grpc::wire {

namespace {

// The varint at the read position, if it ends within `max_bytes` bytes: its value and its size. Peeked, not read.
bool peek_varint(google::protobuf::io::CodedInputStream& in, int max_bytes, std::uint64_t& value, int& size) {
    const void* data = nullptr;
    int available = 0;
    if (!in.GetDirectBufferPointer(&data, &available)) return false;
    const auto* p = static_cast<const std::uint8_t*>(data);
    value = 0;
    for (int i = 0; i < max_bytes && i < available; ++i) {
        value |= static_cast<std::uint64_t>(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            size = i + 1;
            return true;
        }
    }
    return false;
}

}  // namespace

bool read_length(google::protobuf::io::CodedInputStream& in, std::uint32_t& length) {
    std::uint64_t value = 0;
    int size = 0;
    if (!peek_varint(in, 5, value, size) || value > 0x7fffffff) return false;
    length = static_cast<std::uint32_t>(value);
    return in.Skip(size);
}

bool next_tag_fits(google::protobuf::io::CodedInputStream& in) {
    const void* data = nullptr;
    int available = 0;
    if (!in.GetDirectBufferPointer(&data, &available)) return true;  // the end: ReadTag says so
    std::uint64_t value = 0;
    int size = 0;
    // Fewer than 5 bytes left without the varint's end: truncated, which ReadTag refuses on its own.
    return peek_varint(in, 5, value, size) || available < 5;
}

bool read_view(google::protobuf::io::CodedInputStream& in, std::string_view& out) {
    std::uint32_t length = 0;
    if (!read_length(in, length)) return false;
    if (length == 0) {
        out = {};
        return true;
    }
    const void* data = nullptr;
    int available = 0;
    if (!in.GetDirectBufferPointer(&data, &available) || static_cast<std::uint32_t>(available) < length) return false;
    out = {static_cast<const char*>(data), length};
    return in.Skip(static_cast<int>(length));
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
                if (!next_tag_fits(in)) return false;
                const std::uint32_t inner = in.ReadTag();
                if (inner == 0) return false;  // the end of the bytes inside a group
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
