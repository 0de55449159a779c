#pragma once
#include <string_view>

#include "crypto/bytes.hpp"

namespace gh::crypto {

// HKDF-SHA256 (RFC 5869). Separate `info` labels give independent keys from one secret.
Bytes hkdf_sha256(ByteView secret, std::string_view salt, std::string_view info, std::size_t length);

}  // namespace gh::crypto
