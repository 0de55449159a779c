#include "doors/envoy_grpc/protobuf_wire.hpp"

namespace gh::doors::envoy_grpc::wire {

bool read_view(google::protobuf::io::CodedInputStream& in, std::string_view& out) {
    std::uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return false;
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

bool skip(google::protobuf::io::CodedInputStream& in, std::uint32_t tag) {
    switch (type_of(tag)) {
        case kVarint: {
            std::uint64_t ignored = 0;
            return in.ReadVarint64(&ignored);
        }
        case kFixed64: return in.Skip(8);
        case kFixed32: return in.Skip(4);
        case kLength: {
            std::uint32_t length = 0;
            return in.ReadVarint32(&length) && in.Skip(static_cast<int>(length));
        }
        default: return false;
    }
}

}  // namespace gh::doors::envoy_grpc::wire
