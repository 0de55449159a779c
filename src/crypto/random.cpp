#include "crypto/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "crypto/base64.hpp"

namespace gh::crypto {

void fill_random(std::span<std::uint8_t> out) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
        throw std::runtime_error("random generator failed");
}

std::string random_token(std::size_t n) {
    Bytes raw(n);
    fill_random(raw);
    return base64url_encode(raw);
}

bool constant_time_equal(ByteView a, ByteView b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gh::crypto
