#pragma once
// What makes an HTTP/2 request's header block malformed (RFC 9113 §8.2 and §8.3), checked field by field as HPACK
// hands them over. nghttp2 has the same checks ("HTTP messaging"); H2Session turns them off and applies these
// instead, for two reasons:
//   - cost: nghttp2 looks each name up, validates each name and value, then H2Session compared the same names
//     again. One pass here costs two thirds: ~2,470 instructions of a Check's ~28,000 became ~1,650
//     (callgrind, 32 connections with one call each).
//   - strictness: nghttp2 drops a field whose name is not a token or whose value holds a control byte, and serves
//     the request without it; a request is either well-formed or refused here ("ambiguous means deny"), and the
//     refusal says why, for the log.
// A malformed request is never handed to the door: its stream is reset with PROTOCOL_ERROR (RFC 9113 §8.1.1).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gh::http {

// What these checks found before of a field's name and value (HPACK hands the same buffer again for a reference to a
// table entry): bytes that passed, or failed, are not scanned again; the rules that count fields (once each, order,
// presence) always apply. A pseudo-header field's value counts only as what it was found as the value of the same
// pseudo-header field (pseudo_header_index): each has rules of its own.
enum class Found : std::uint8_t { unknown, passed, failed };
struct CheckedBytes {
    Found name = Found::unknown;
    Found value = Found::unknown;
};
// Which part of a field its byte rules refused (what a caller may remember as failed), if any.
enum class RefusedPart : std::uint8_t { none, name, value };

class RequestFields {
public:
    using Checked = CheckedBytes;
    // Each field of the request's header block, in order. False when the block is malformed by it; `why` then
    // says how (the field's name quoted and escaped, its value never: it may hold a credential).
    bool add(std::string_view name, std::string_view value, std::string& why, Checked checked = {});
    // The same for a field whose name starts with ':', its pseudo_header_index already known (-1: none of the four).
    bool add_pseudo(int index, std::string_view name, std::string_view value, std::string& why, Found value_found);
    // After add() or add_pseudo() refused a field: whether for its name's or its value's bytes.
    RefusedPart refused_part() const { return refused_part_; }
    // Once the block is whole: the pseudo-header fields a request needs are all there.
    bool complete(std::string& why) const;
    // The body length the request declared, if it declared one (content-length).
    std::optional<std::uint64_t> content_length() const { return content_length_; }

private:

    std::uint8_t pseudo_seen_ = 0;  // the kMethod… bits of request_fields.cpp
    RefusedPart refused_part_ = RefusedPart::none;
    bool regular_seen_ = false;
    bool connect_ = false;
    bool host_seen_ = false;
    std::optional<std::uint64_t> content_length_;
};

// Which of a request's four pseudo-header fields `name` is (:method 0, :scheme 1, :path 2, :authority 3), or -1.
int pseudo_header_index(std::string_view name);
inline constexpr int kPseudoHeaders = 4;

// A field of the trailers that may follow a request's body: no pseudo-header field, and the rules of a regular
// field otherwise.
bool trailer_field_ok(std::string_view name, std::string_view value, std::string& why,
                      RequestFields::Checked checked = {}, RefusedPart* refused = nullptr);

}  // namespace gh::http
