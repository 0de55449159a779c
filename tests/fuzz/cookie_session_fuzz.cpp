// The session cookie as an attacker sends it: Cookie header parsing, chunk joining, base64url, AES-GCM open,
// and (behind the authentication, reached here directly) the session codec and the Redis ticket.
#include <cstdint>
#include <string_view>

#include "session/cookie_session_store.hpp"
#include "session/session_codec.hpp"
#include "session/ticket.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string secret = "0123456789abcdef0123456789abcdef";
    static const gh::session::CookieSessionStore store(gh::crypto::as_bytes(secret), "_oauth2_proxy");
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    gh::session::CookieJar jar;
    jar.add_header(text);
    gh::session::Session s;
    (void)store.load_now(jar, 1'800'000'000, s);

    // What only an authenticated value reaches: must refuse garbage, never crash or over-read.
    gh::session::Session decoded;
    if (gh::session::decode_session({data, size}, decoded)) {
        gh::crypto::Bytes again;
        gh::session::encode_session(decoded, again);
        gh::session::Session twice;
        if (!gh::session::decode_session(again, twice) || !(twice == decoded)) __builtin_trap();
    }
    gh::session::Ticket t;
    if (gh::session::Ticket::decode({data, size}, t) && t.encode() != gh::crypto::Bytes(data, data + size)) __builtin_trap();
    return 0;
}
