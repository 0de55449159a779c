#pragma once
// Turns a Session into an opaque cookie value and back: encode, AES-256-GCM seal, base64url.
#include <string>
#include <string_view>

#include "crypto/aead.hpp"
#include "session/load_result.hpp"
#include "session/session.hpp"

namespace gh::session {


class CookieSealer {
public:
    // `cookie_secret` is the raw secret of --cookie-secret; the AEAD key is derived from it with HKDF
    // so the same secret never keys two different purposes.
    CookieSealer(crypto::ByteView cookie_secret, std::string cookie_name);

    std::string seal(const Session& s) const;

    // Decodes into `out` (reusing its capacity). `now` is Unix seconds; a session whose own
    // expiry has passed is `expired` even if the browser still sent the cookie. Never `absent`.
    LoadResult open(std::string_view value, std::int64_t now, Session& out) const;

    // The same sealing for other cookie payloads (the login's CSRF state).
    std::string seal_bytes(crypto::ByteView plain) const;
    bool open_bytes(std::string_view value, crypto::Bytes& plain) const;

    const std::string& cookie_name() const { return cookie_name_; }

private:
    crypto::AeadKey key_{};
    std::string cookie_name_;
};

}  // namespace gh::session
