#pragma once
// Turns a Session into an opaque cookie value and back: encode, AES-256-GCM seal, base64url.
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/aead.hpp"
#include "session/cookie_secrets.hpp"
#include "session/load_result.hpp"
#include "session/session.hpp"

namespace gh::session {


class CookieSealer {
public:
    // The raw secrets of --cookie-secret and --cookie-secret-previous; AEAD keys are derived from them with
    // HKDF so the same secret never keys two different purposes. Seals with the current one; opens with
    // any (the current one first, so the common case costs one attempt).
    CookieSealer(const CookieSecrets& secrets, std::string cookie_name);

    std::string seal(const Session& s) const;

    // Decodes into `out` (reusing its capacity). `now` is Unix seconds; a session whose own
    // expiry has passed is `expired` even if the browser still sent the cookie. Never `absent`.
    LoadResult open(std::string_view value, std::int64_t now, Session& out) const;

    // The same sealing for other cookie payloads (the login's CSRF state).
    std::string seal_bytes(crypto::ByteView plain) const;
    bool open_bytes(std::string_view value, crypto::Bytes& plain) const;

    const std::string& cookie_name() const { return cookie_name_; }
    // Unique in the process: names this sealer (its keys and cookie name) in the per-thread OpenedValues tables.
    std::uint64_t id() const { return id_; }

private:
    bool open_sealed(crypto::ByteView sealed, crypto::Bytes& plain) const;

    // Tells this sealer's entries in the per-thread OpenedCookies from another's (other keys, other name).
    std::uint64_t id_;
    crypto::AeadKey key_{};
    std::vector<crypto::AeadKey> previous_keys_;
    std::string cookie_name_;
};

}  // namespace gh::session
