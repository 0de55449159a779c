#pragma once
// Compact binary form of a Session: a version byte, then every field length-prefixed with a varint.
// Smaller than JSON (cookies are capped at ~4 KB) and decodable without a parser allocation storm.
#include "crypto/bytes.hpp"
#include "session/session.hpp"

namespace gh::session {

void encode_session(const Session& s, crypto::Bytes& out);

// Decodes into `out`, reusing its strings' capacity. False on any malformed or trailing byte.
bool decode_session(crypto::ByteView in, Session& out);

}  // namespace gh::session
