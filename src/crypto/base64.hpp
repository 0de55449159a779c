#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

namespace gh::crypto {

// Unpadded base64url (RFC 4648 §5), the alphabet that is safe inside cookie values.
std::string base64url_encode(ByteView data);
void base64url_encode_append(ByteView data, std::string& out);
// Standard alphabet with padding (RFC 4648 §4), as HTTP Basic authentication wants it.
std::string base64_encode(ByteView data);

// Strict decoders: false/nullopt on any character outside the alphabet.
// `base64_decode_any` accepts both the URL and the standard alphabet, padded or not (cookie secrets come in both).
bool base64url_decode(std::string_view text, Bytes& out);
std::optional<Bytes> base64_decode_any(std::string_view text);

}  // namespace gh::crypto
