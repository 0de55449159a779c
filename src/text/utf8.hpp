#pragma once
// Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), as
// protobuf requires of a proto3 string field.
#include <string_view>

namespace gh::text {

bool valid_utf8(std::string_view bytes);

}  // namespace gh::text
