#include "doors/envoy_grpc/protobuf_wire.hpp"

#include "text/utf8.hpp"

namespace gh::doors::envoy_grpc::wire {

bool Reader::read_string(std::string_view& out) { return read_view(out) && text::valid_utf8(out); }

bool Reader::skip(std::uint32_t tag) {
    if (number_of(tag) == 0) return false;  // field number 0 does not exist
    switch (type_of(tag)) {
        case kVarint: {
            // Up to 10 bytes, as protobuf reads a 64-bit varint (the last byte's high bits dropped).
            std::uint64_t value = 0;
            const int size = front_varint(10, value);
            return size > 0 && skip_bytes(static_cast<std::size_t>(size));
        }
        case kFixed64: return skip_bytes(8);
        case kLength: {
            std::uint32_t length = 0;
            return read_length(length) && skip_bytes(length);
        }
        case kStartGroup: return skip_group(number_of(tag));
        case kFixed32: return skip_bytes(4);
        default: return false;  // an END_GROUP without its START_GROUP, or wire type 6 or 7
    }
}

bool skip_checked(Reader& in, std::uint32_t tag, const MessageShape& shape) {
    if (type_of(tag) != kLength) return in.skip(tag);
    for (const FieldShape& f : shape.fields) {
        if (f.number != number_of(tag)) continue;
        if (!f.message) {
            std::string_view ignored;
            return in.read_string(ignored);
        }
        Reader inner(std::string_view{});
        return in.enter(inner) &&
               for_each_field(inner, [&](std::uint32_t t, Reader& r) { return skip_checked(r, t, *f.message); });
    }
    return in.skip(tag);
}

bool Reader::skip_group(std::uint32_t number) {
    // Its fields up to the END_GROUP of the same number, each skipped by the same rules, nested (with the messages
    // around it) at most as deep as protobuf allows.
    if (depth_ >= kMaxDepth) return false;
    ++depth_;
    for (;;) {
        std::uint32_t inner = 0;
        if (next_tag(inner) != Next::field) return false;  // malformed, or the end inside a group
        if (type_of(inner) == kEndGroup) {
            --depth_;
            return number_of(inner) == number;
        }
        if (!skip(inner)) return false;
    }
}

}  // namespace gh::doors::envoy_grpc::wire
