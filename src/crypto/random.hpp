#pragma once
#include <span>
#include <string>

#include "crypto/bytes.hpp"

namespace gh::crypto {

// Cryptographically secure random bytes (OpenSSL DRBG); throws if the generator fails.
void fill_random(std::span<std::uint8_t> out);

// `n` random bytes, base64url-encoded without padding: for nonces, states, ids.
std::string random_token(std::size_t n);

}  // namespace gh::crypto
