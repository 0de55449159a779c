#pragma once
// gRPC's own rules over HTTP/2 (the "gRPC over HTTP2" protocol document): the 5-byte message prefix, the
// grpc-timeout header, the status trailers and grpc-message's percent-encoding. Written here rather than taken
// from grpc++: this is all of gRPC a unary server needs, and grpc++'s server brings its own threads and
// completion queues, which cost ~70,000 instructions a call and a hop to our I/O threads (#24).
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gh::doors::envoy_grpc {

// gRPC status codes (the RPC's own, in grpc-status; CheckResponse.status carries the verdict's).
enum class RpcStatus : int {
    ok = 0,
    cancelled = 1,
    invalid_argument = 3,
    deadline_exceeded = 4,
    not_found = 5,
    resource_exhausted = 8,
    unimplemented = 12,
    internal = 13,
    unavailable = 14,
};

// "5" for 5: the grpc-status value.
std::string_view status_text(RpcStatus status);

// A grpc-timeout value ("200m", "1S": at most 8 digits and a unit of H, M, S, m, u, n); empty when malformed.
// At most kLongestTimeout: eight digits of hours (11,000 years) do not fit in nanoseconds.
std::optional<std::chrono::nanoseconds> parse_timeout(std::string_view value);
inline constexpr std::chrono::hours kLongestTimeout{24 * 365 * 100};

// Whether a content-type is gRPC's: application/grpc, optionally +proto or with parameters (";…").
bool is_grpc_content_type(std::string_view value);

// grpc-message's encoding: bytes outside printable ASCII, and '%', as %XX.
void percent_encode_message(std::string_view message, std::string& out);

// A unary request body: exactly one message after its prefix. `message` views into `body`.
enum class Framing { ok, empty, compressed, length_mismatch };
Framing one_message(std::string_view body, std::string_view& message);

// The message length a body's prefix declares, once the first 5 bytes are there.
std::optional<std::uint32_t> declared_length(std::string_view body);

// The 5-byte prefix of an uncompressed message of `length` bytes.
std::array<char, 5> message_prefix(std::uint32_t length);
inline void append_prefix(std::uint32_t length, std::string& out) {
    const auto prefix = message_prefix(length);
    out.append(prefix.data(), prefix.size());
}

}  // namespace gh::doors::envoy_grpc
