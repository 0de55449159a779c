#pragma once
// AES-256-GCM sealing with a random 96-bit nonce: output = nonce || ciphertext || tag.
#include <array>
#include <optional>

#include "crypto/bytes.hpp"

namespace gh::crypto {

inline constexpr std::size_t kAeadKeySize = 32;
inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kAeadTagSize = 16;
inline constexpr std::size_t kAeadOverhead = kAeadNonceSize + kAeadTagSize;

using AeadKey = std::array<std::uint8_t, kAeadKeySize>;

// Appends nonce || ciphertext || tag to `out`.
void aead_seal(const AeadKey& key, ByteView plaintext, ByteView associated_data, Bytes& out);

// Opens what aead_seal produced into `out` (cleared first). False when the tag does not verify.
bool aead_open(const AeadKey& key, ByteView sealed, ByteView associated_data, Bytes& out);

}  // namespace gh::crypto
