#include "doors/envoy_grpc/protobuf_wire.hpp"

#include <google/protobuf/wire_format_lite.h>

#include "text/utf8.hpp"

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

bool read_string(google::protobuf::io::CodedInputStream& in, std::string_view& out) {
    return read_view(in, out) && text::valid_utf8(out);
}

bool skip(google::protobuf::io::CodedInputStream& in, std::uint32_t tag) {
    return google::protobuf::internal::WireFormatLite::SkipField(&in, tag);
}

}  // namespace gh::doors::envoy_grpc::wire
