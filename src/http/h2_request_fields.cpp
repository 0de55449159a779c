#include "http/h2_request_fields.hpp"

#include <array>
#include <cstring>

#include "observe/log_text.hpp"
#include "text/ascii.hpp"

namespace gh::http {
namespace {

// What each byte may be part of, one table lookup per byte.
enum CharClass : std::uint8_t {
    kNameChar = 1,      // a regular field's name: a token (RFC 9110 §5.1) in lower case (RFC 9113 §8.2.1)
    kTokenChar = 2,     // :method, a token in any case
    kSchemeChar = 4,    // :scheme after its first letter (RFC 3986 §3.1)
    kAuthorityChar = 8  // :authority (RFC 3986 §3.2): unreserved, sub-delims, ':', '@', '[', ']', '%'
};

constexpr bool in(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

constexpr std::array<std::uint8_t, 256> kClasses = [] {
    std::array<std::uint8_t, 256> t{};
    for (int i = 0; i < 256; ++i) {
        const char c = static_cast<char>(i);
        const bool upper = i >= 'A' && i <= 'Z', token = text::is_tchar(c);
        std::uint8_t v = 0;
        if (token && !upper) v |= kNameChar;
        if (token) v |= kTokenChar;
        if (text::is_alnum(c) || in(c, "+-.")) v |= kSchemeChar;
        if (text::is_alnum(c) || in(c, "-._~!$&'()*+,;=:@[]%")) v |= kAuthorityChar;
        t[static_cast<std::size_t>(i)] = v;
    }
    return t;
}();

// Without an early exit: one lookup and one AND a byte, no branch (a well-formed field is the common case, and its
// length is bounded by the header list's).
bool all_of(std::string_view s, CharClass c) {
    std::uint8_t classes = 0xff;
    for (const char ch : s) classes &= kClasses[static_cast<unsigned char>(ch)];
    return classes & c;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Whether `s` has no byte below `lowest` other than HTAB, and no DEL: what a field value (lowest = SP) and :path
// (lowest = '!') may not hold. Values are the longest part of a header block, so eight bytes are tested at once
// (the "has a byte less than n" test of bit-twiddling lore, exact as a yes or no), and only an eight-byte word
// that has one is looked at byte by byte (HTAB is allowed in values).
bool no_control_bytes(std::string_view s, std::uint8_t lowest, bool tab_allowed) {
    constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
    const auto byte_ok = [&](char ch) {
        const auto b = static_cast<unsigned char>(ch);
        return (b >= lowest || (tab_allowed && b == '\t')) && b != 0x7f;
    };
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t x;
        std::memcpy(&x, s.data() + i, 8);
        const std::uint64_t below = (x - kOnes * lowest) & ~x & kHighs;
        const std::uint64_t del = x ^ (kOnes * 0x7f);
        if (((del - kOnes) & ~del & kHighs) == 0 && below == 0) continue;
        for (std::size_t k = i; k < i + 8; ++k)
            if (!byte_ok(s[k])) return false;
    }
    for (; i < s.size(); ++i)
        if (!byte_ok(s[i])) return false;
    return true;
}

bool value_ok(std::string_view value) {
    return no_control_bytes(value, 0x20, true) &&
           (value.empty() || (!is_space(value.front()) && !is_space(value.back())));
}

// The field's name as a log line may show it: escaped, and cut short.
std::string quoted(std::string_view name) { return "'" + observe::log_text(name, 64) + "'"; }

// The regular fields with rules of their own, told apart by their length first.
enum class Special { none, connection_specific, te, host, content_length };
Special special(std::string_view name) {
    switch (name.size()) {
        case 2: return name == "te" ? Special::te : Special::none;
        case 4: return name == "host" ? Special::host : Special::none;
        case 7: return name == "upgrade" ? Special::connection_specific : Special::none;
        case 10:
            return name == "connection" || name == "keep-alive" ? Special::connection_specific : Special::none;
        case 14: return name == "content-length" ? Special::content_length : Special::none;
        case 16: return name == "proxy-connection" ? Special::connection_specific : Special::none;
        case 17: return name == "transfer-encoding" ? Special::connection_specific : Special::none;
        default: return Special::none;
    }
}

using Checked = RequestFields::Checked;

// A regular field's name and value as RFC 9113 §8.2.1 and RFC 9110 allow them (those whose bytes were not checked
// before), and no connection-specific field (RFC 9113 §8.2.2). Which special field it is, in `kind`.
bool regular_field_ok(std::string_view name, std::string_view value, Checked checked, Special& kind,
                      std::string& why, RefusedPart& refused) {
    refused = RefusedPart::none;
    if (checked.name == Found::failed || (checked.name == Found::unknown && (name.empty() || !all_of(name, kNameChar)))) {
        why = name.empty() ? "a field with an empty name" : "field name " + quoted(name) + " is not a token in lower case";
        refused = RefusedPart::name;
        return false;
    }
    if (checked.value == Found::failed || (checked.value == Found::unknown && !value_ok(value))) {
        why = "field " + quoted(name) + " has a control byte in its value, or white space at its ends";
        refused = RefusedPart::value;
        return false;
    }
    kind = special(name);
    if (kind == Special::connection_specific) {
        why = "connection-specific field " + quoted(name);
        return false;
    }
    if (kind == Special::te && !text::iequals(value, "trailers")) {
        why = "te other than \"trailers\"";
        return false;
    }
    return true;
}

std::optional<std::uint64_t> decimal(std::string_view s) {
    if (s.empty() || s.size() > 18) return std::nullopt;  // 18 digits never overflow
    std::uint64_t n = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

enum PseudoBit : std::uint8_t { kMethod = 1, kScheme = 2, kPath = 4, kAuthority = 8 };

}  // namespace

int pseudo_header_index(std::string_view name) {
    if (name == ":method") return 0;
    if (name == ":scheme") return 1;
    if (name == ":path") return 2;
    if (name == ":authority") return 3;
    return -1;
}

bool RequestFields::add(std::string_view name, std::string_view value, std::string& why, Checked checked) {
    if (!name.empty() && name.front() == ':') return add_pseudo(pseudo_header_index(name), name, value, why, checked.value);
    Special kind = Special::none;
    if (!regular_field_ok(name, value, checked, kind, why, refused_part_)) return false;
    regular_seen_ = true;
    if (kind == Special::host) {
        if (host_seen_ || value.empty()) {
            why = host_seen_ ? "host twice" : "an empty host";
            return false;
        }
        host_seen_ = true;
    } else if (kind == Special::content_length) {
        const auto length = decimal(value);
        if (content_length_ || !length) {
            why = content_length_ ? "content-length twice" : "content-length is not a number";
            return false;
        }
        content_length_ = length;
    }
    return true;
}

bool RequestFields::add_pseudo(int index, std::string_view name, std::string_view value, std::string& why,
                               Found value_found) {
    refused_part_ = RefusedPart::none;
    if (regular_seen_) {
        why = "pseudo-header field " + quoted(name) + " after a regular field";
        return false;
    }
    static constexpr std::array<PseudoBit, kPseudoHeaders> kBits{kMethod, kScheme, kPath, kAuthority};
    if (index < 0) {
        why = quoted(name) + " is not a request's pseudo-header field";
        return false;
    }
    const PseudoBit bit = kBits[static_cast<std::size_t>(index)];
    // Counted before the value is scanned: a second :authority is refused without reading its bytes (D29-F3).
    if (pseudo_seen_ & bit) {
        why = "pseudo-header field " + quoted(name) + " twice";
        return false;
    }
    if (bit == kMethod) connect_ = value == "CONNECT";
    bool ok = value_found == Found::passed;
    if (value_found == Found::unknown) {
        switch (bit) {
            case kMethod: ok = !value.empty() && all_of(value, kTokenChar); break;
            case kScheme: ok = !value.empty() && text::is_alpha(value.front()) && all_of(value, kSchemeChar); break;
            case kPath: ok = (value.starts_with('/') || value == "*") && no_control_bytes(value, 0x21, false); break;
            case kAuthority: ok = !value.empty() && all_of(value, kAuthorityChar); break;
        }
    }
    if (!ok) {
        refused_part_ = RefusedPart::value;
        why = "pseudo-header field " + quoted(name) + " has an invalid value";
        return false;
    }
    pseudo_seen_ |= bit;
    // CONNECT names only an authority (RFC 9113 §8.5), in whichever order the fields come.
    if (connect_ && (pseudo_seen_ & (kScheme | kPath))) {
        why = "CONNECT with :scheme or :path";
        return false;
    }
    return true;
}

bool RequestFields::complete(std::string& why) const {
    if (connect_) {
        if (pseudo_seen_ & kAuthority) return true;
        why = "CONNECT without :authority";
        return false;
    }
    if ((pseudo_seen_ & (kMethod | kScheme | kPath)) != (kMethod | kScheme | kPath)) {
        why = "no :method, :scheme or :path";
        return false;
    }
    if (!(pseudo_seen_ & kAuthority) && !host_seen_) {
        why = "neither :authority nor host";
        return false;
    }
    return true;
}

bool trailer_field_ok(std::string_view name, std::string_view value, std::string& why, Checked checked,
                      RefusedPart* refused) {
    RefusedPart part = RefusedPart::none;
    if (!name.empty() && name.front() == ':') {
        why = "pseudo-header field " + quoted(name) + " in trailers";
        if (refused) *refused = part;
        return false;
    }
    Special kind = Special::none;
    const bool ok = regular_field_ok(name, value, checked, kind, why, part);
    if (refused) *refused = part;
    return ok;
}

}  // namespace gh::http
