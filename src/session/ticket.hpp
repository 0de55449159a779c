#pragma once
// What a Redis session's cookie holds (sealed with the cookie key): a random id that names the session in
// Redis and a random secret from which the session's own encryption key is derived.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/aead.hpp"
#include "crypto/bytes.hpp"

namespace gh::session {

struct Ticket {
    static constexpr std::uint8_t kTag = 0x80;  // never a session codec version: a cookie session is not a ticket
    std::array<std::uint8_t, 16> id{};
    std::array<std::uint8_t, 32> secret{};

    static Ticket random();
    // False unless `in` is exactly a tag, an id and a secret.
    static bool decode(crypto::ByteView in, Ticket& t);
    crypto::Bytes encode() const;

    std::string_view raw_id() const { return {reinterpret_cast<const char*>(id.data()), id.size()}; }
    std::string id_text() const;
    // The session's own key: Redis holds only what this ticket's secret can open.
    crypto::AeadKey value_key() const;
};

}  // namespace gh::session
