// A gRPC request body as the door receives it: its framing (one_message, declared_length), the CheckRequest
// inside it and the same bytes read as a CheckRequest directly (read_check_request), and the header values gRPC
// reads and writes (grpc-timeout, content-type, grpc-message). Each result is checked against what the bytes say.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "doors/envoy_grpc/check_translation.hpp"
#include "doors/envoy_grpc/grpc_protocol.hpp"

namespace {

namespace eg = gh::doors::envoy_grpc;

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// The door's reading of a CheckRequest keeps views into the message, never past it.
void read_within(std::string_view bytes) {
    eg::CheckView view;
    if (eg::read_check_request(bytes, view) != eg::ReadResult::ok) return;
    for (const std::string_view v :
         {view.method, view.host, view.path, view.path_and_query, view.cookie, view.accept, view.x_requested_with,
          view.authorization, view.forwarded_client_cert, view.request_id, view.user_agent})
        if (!inside(v, bytes)) __builtin_trap();
    if (!view.path_and_query.starts_with(view.path)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    read_within(bytes);

    // As a unary call's body: exactly one uncompressed message after its 5-byte prefix, or why not.
    std::string_view message;
    const eg::Framing framing = eg::one_message(bytes, message);
    const auto declared = eg::declared_length(bytes);
    if (declared.has_value() != (size >= 5)) __builtin_trap();
    switch (framing) {
        case eg::Framing::ok:
            if (bytes[0] != 0 || *declared != size - 5 || message.data() != bytes.data() + 5 ||
                message.size() != *declared)
                __builtin_trap();
            read_within(message);
            break;
        case eg::Framing::empty:
            if (size >= 5) __builtin_trap();
            break;
        case eg::Framing::compressed:
            if (size < 5 || bytes[0] == 0) __builtin_trap();
            break;
        case eg::Framing::length_mismatch:
            if (size < 5 || bytes[0] != 0 || *declared == size - 5) __builtin_trap();
            break;
    }
    // The prefix the door writes reads back as the length written.
    std::string prefix;
    eg::append_prefix(static_cast<std::uint32_t>(size), prefix);
    if (eg::declared_length(prefix) != static_cast<std::uint32_t>(size) || prefix[0] != 0) __builtin_trap();

    // The first line as a grpc-timeout: a value is positive or zero, never past the longest, and only digits and
    // a unit make one.
    const std::string_view line = bytes.substr(0, bytes.find('\n'));
    if (const auto timeout = eg::parse_timeout(line)) {
        if (timeout->count() < 0 || *timeout > std::chrono::nanoseconds(eg::kLongestTimeout)) __builtin_trap();
        if (line.size() < 2 || line.size() > 9) __builtin_trap();
        for (const char c : line.substr(0, line.size() - 1))
            if (c < '0' || c > '9') __builtin_trap();
    }
    // As a content-type: gRPC's only when it starts so.
    if (eg::is_grpc_content_type(line) && line.size() < 16) __builtin_trap();
    // As a grpc-message: printable ASCII only, and it decodes back to the bytes.
    std::string encoded;
    eg::percent_encode_message(bytes, encoded);
    std::string decoded;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c < 0x20 || c > 0x7e) __builtin_trap();
        if (c != '%') {
            decoded.push_back(c);
            continue;
        }
        if (i + 2 >= encoded.size()) __builtin_trap();
        const auto hex = [](char h) {
            if (h >= '0' && h <= '9') return h - '0';
            if (h >= 'A' && h <= 'F') return h - 'A' + 10;
            __builtin_trap();
        };
        decoded.push_back(static_cast<char>(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2])));
        i += 2;
    }
    if (decoded != bytes) __builtin_trap();
    return 0;
}
