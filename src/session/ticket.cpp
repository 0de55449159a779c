#include "session/ticket.hpp"

#include <algorithm>

#include "crypto/base64.hpp"
#include "crypto/hkdf.hpp"
#include "crypto/random.hpp"

namespace gh::session {

Ticket Ticket::random() {
    Ticket t;
    crypto::fill_random(t.id);
    crypto::fill_random(t.secret);
    return t;
}

bool Ticket::decode(crypto::ByteView in, Ticket& t) {
    if (in.size() != 1 + t.id.size() + t.secret.size() || in[0] != kTag) return false;
    std::copy_n(in.begin() + 1, t.id.size(), t.id.begin());
    std::copy_n(in.begin() + 1 + static_cast<std::ptrdiff_t>(t.id.size()), t.secret.size(), t.secret.begin());
    return true;
}

crypto::Bytes Ticket::encode() const {
    crypto::Bytes out{kTag};
    out.insert(out.end(), id.begin(), id.end());
    out.insert(out.end(), secret.begin(), secret.end());
    return out;
}

std::string Ticket::id_text() const { return crypto::base64url_encode(id); }

crypto::AeadKey Ticket::value_key() const {
    const auto derived = crypto::hkdf_sha256(secret, "gatehouse", "redis session v1", crypto::kAeadKeySize);
    crypto::AeadKey key{};
    std::copy(derived.begin(), derived.end(), key.begin());
    return key;
}

}  // namespace gh::session
