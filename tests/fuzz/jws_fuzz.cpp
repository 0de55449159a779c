// JWT/JWS parsing and verification (ID tokens, logout tokens) against a key set of every supported kind; nothing
// unsigned by those keys may verify.
#include <cstdint>
#include <string_view>

#include "oidc/claims.hpp"
#include "oidc/token_claims.hpp"
#include "oidc/jwk.hpp"
#include "oidc/jws.hpp"
#include "oidc/logout_token.hpp"
#include "../unit/jose_test_keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto rsa = gh::test::make_key("RS256", "r1");
    static const auto ec = gh::test::make_key("ES256", "e1");
    static const auto ed = gh::test::make_key("EdDSA", "d1");
    static const auto keys = gh::oidc::parse_jwks(gh::test::jwks_of({&rsa, &ec, &ed}));
    const std::string_view token(reinterpret_cast<const char*>(data), size);
    const auto result = gh::oidc::verify_jws(token, keys);
    if (result.value) __builtin_trap();  // random bytes are never validly signed
    // The claim checks run on whatever JSON an attacker can get signed.
    const auto claims = nlohmann::json::parse(token, nullptr, false);
    if (!claims.is_discarded()) {
        gh::oidc::TokenExpectations expect;
        expect.issuer = "https://idp";
        expect.audiences = {"gatehouse"};
        expect.nonce = "n";
        expect.now = 1'800'000'000;
        (void)gh::oidc::check_token_claims(claims, expect);
        (void)gh::oidc::extract_identity(claims, gh::oidc::ClaimNames{});
        (void)gh::oidc::check_logout_token(claims, {.issuer = "https://idp", .client_id = "gatehouse", .now = 1'800'000'000});
    }
    return 0;
}
