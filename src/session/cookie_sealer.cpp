#include "session/cookie_sealer.hpp"

#include <algorithm>

#include "crypto/base64.hpp"
#include "crypto/hkdf.hpp"
#include "session/opened_values.hpp"
#include "session/session_codec.hpp"

namespace gh::session {

namespace {

crypto::AeadKey derive_key(crypto::ByteView secret) {
    crypto::AeadKey key{};
    const auto derived = crypto::hkdf_sha256(secret, "gatehouse", "session cookie v1", key.size());
    std::copy(derived.begin(), derived.end(), key.begin());
    return key;
}

}  // namespace

CookieSealer::CookieSealer(const CookieSecrets& secrets, std::string cookie_name)
    : id_(new_opener_id()), key_(derive_key(secrets.current)), cookie_name_(std::move(cookie_name)) {
    for (const auto& old : secrets.previous) previous_keys_.push_back(derive_key(old));
}

bool CookieSealer::open_sealed(crypto::ByteView sealed, crypto::Bytes& plain) const {
    const auto aad = crypto::as_bytes(cookie_name_);
    if (crypto::aead_open(key_, sealed, aad, plain)) return true;
    for (const auto& key : previous_keys_)
        if (crypto::aead_open(key, sealed, aad, plain)) return true;
    return false;
}

std::string CookieSealer::seal(const Session& s) const {
    crypto::Bytes plain;
    encode_session(s, plain);
    return seal_bytes(plain);
}

std::string CookieSealer::seal_bytes(crypto::ByteView plain) const {
    crypto::Bytes sealed;
    // The GCM tag covers the cookie name, so a value cannot be replayed under another cookie name
    // (for example a CSRF cookie presented as the session cookie).
    crypto::aead_seal(key_, plain, crypto::as_bytes(cookie_name_), sealed);
    return crypto::base64url_encode(sealed);
}

bool CookieSealer::open_bytes(std::string_view value, crypto::Bytes& plain) const {
    thread_local crypto::Bytes sealed;
    return crypto::base64url_decode(value, sealed) && open_sealed(sealed, plain);
}

LoadResult CookieSealer::open(std::string_view value, std::int64_t now, Session& out) const {
    // Per-thread scratch buffers: the hot path reuses their capacity instead of allocating.
    thread_local crypto::Bytes sealed;
    thread_local crypto::Bytes plain;
    thread_local OpenedCookies opened;
    if (!opened.find(id_, value, out)) {
        if (!crypto::base64url_decode(value, sealed)) return LoadResult::malformed;
        if (!open_sealed(sealed, plain)) return LoadResult::tampered;
        // A value that authenticates but does not decode was sealed by a different format version.
        if (!decode_session(plain, out)) return LoadResult::malformed;
        opened.remember(id_, value, out);
    }
    if (out.expires_at != 0 && out.expires_at <= now) return LoadResult::expired;
    return LoadResult::ok;
}

}  // namespace gh::session
