// The standard attacks on JWTs, each against the verifier that checks every ID token and logout token.
// Sources: RFC 8725 (JSON Web Token Best Current Practices) and the public advisories named per test.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include "jose_test_keys.hpp"
#include "oidc/token_claims.hpp"
#include "oidc/jws.hpp"

using namespace gh::oidc;
using gh::test::b64;
using gh::test::make_key;
using gh::test::sign;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
const nlohmann::json kClaims{{"iss", "https://idp"}, {"sub", "u1"}, {"aud", "gatehouse"}, {"exp", kNow + 300},
                             {"iat", kNow - 5},        {"nonce", "n"}};

const gh::test::TestKey& idp_key() {
    static const auto k = make_key("RS256", "idp-key");
    return k;
}
const gh::test::TestKey& attacker_key() {
    static const auto k = make_key("RS256", "idp-key");  // same kid as the IdP's: only the JWKS decides
    return k;
}
JwkSet idp_jwks() { return parse_jwks(gh::test::jwks_of({&idp_key()})); }

std::string header_payload(const nlohmann::json& header, const nlohmann::json& payload = kClaims) {
    return b64(header.dump()) + "." + b64(payload.dump());
}

TokenExpectations expected() {
    TokenExpectations e;
    e.issuer = "https://idp";
    e.audiences = {"gatehouse"};
    e.nonce = "n";
    e.now = kNow;
    return e;
}

}  // namespace

// RFC 8725 §2.1, §3.1; CVE-2015-9235 (node-jsonwebtoken) and its many siblings: "alg":"none" in any spelling.
TEST(JwtAttacks, UnsecuredTokensInAnySpellingAreRefused) {
    for (const char* none : {"none", "None", "NONE", "nOnE"})
        for (const char* sig : {"", "AAAA"}) {
            const auto token = header_payload({{"alg", none}, {"kid", "idp-key"}}) + "." + sig;
            EXPECT_FALSE(verify_jws(token, idp_jwks()).value) << none << " / '" << sig << "'";
        }
}

// RFC 8725 §2.1 (algorithm confusion); CVE-2015-9235, CVE-2016-10555: an HMAC "signed" with the IdP's public
// key, which anyone can download from the JWKS.
TEST(JwtAttacks, HmacKeyedWithThePublicKeyIsRefused) {
    const auto input = header_payload({{"alg", "HS256"}, {"kid", "idp-key"}});
    for (const std::string& secret : {idp_key().jwk.dump(), idp_key().jwk["n"].get<std::string>()}) {
        unsigned char mac[32];
        unsigned int len = 0;
        HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
        EXPECT_FALSE(verify_jws(input + "." + b64(gh::crypto::Bytes(mac, mac + len)), idp_jwks()).value);
    }
}

// CVE-2022-21449 ("psychic signatures", Java): an ECDSA signature of r = 0, s = 0 verified for any message.
TEST(JwtAttacks, AnAllZeroEcdsaSignatureIsRefused) {
    const auto ec = make_key("ES256", "ec-key");
    const auto keys = parse_jwks(gh::test::jwks_of({&ec}));
    const auto input = header_payload({{"alg", "ES256"}, {"kid", "ec-key"}});
    EXPECT_FALSE(verify_jws(input + "." + b64(gh::crypto::Bytes(64, 0)), keys).value);
    // r = n-ish garbage of the right length is refused too, and so is a DER signature where JOSE wants R || S.
    EXPECT_FALSE(verify_jws(input + "." + b64(gh::crypto::Bytes(64, 0xff)), keys).value);
    EXPECT_FALSE(verify_jws(input + "." + b64(gh::crypto::Bytes(70, 0x30)), keys).value);
}

// CVE-2018-0114 (node-jose): a key embedded in the header ("jwk") was trusted. RFC 8725 §3.10 likewise for
// "jku" and "x5u": keys come from the IdP's JWKS only.
TEST(JwtAttacks, KeysNamedOrEmbeddedInTheHeaderAreIgnored) {
    const auto& evil = attacker_key();
    for (const nlohmann::json& extra : {nlohmann::json{{"jwk", evil.jwk}},
                                        nlohmann::json{{"jku", "https://attacker.example/jwks"}},
                                        nlohmann::json{{"x5u", "https://attacker.example/cert.pem"}}}) {
        nlohmann::json header{{"alg", "RS256"}, {"kid", "idp-key"}};
        header.update(extra);
        EXPECT_FALSE(verify_jws(sign(evil, kClaims, header), idp_jwks()).value) << extra.dump();
    }
}

// RFC 7515 §4.1.11: an unknown critical extension must make the token invalid.
TEST(JwtAttacks, UnknownCriticalHeaderParametersAreRefused) {
    const auto token = sign(idp_key(), kClaims, {{"alg", "RS256"}, {"kid", "idp-key"}, {"crit", {"exp"}}, {"exp", 1}});
    EXPECT_FALSE(verify_jws(token, idp_jwks()).value);
}

// Signature stripping and JWE look-alikes: a valid header and payload with the signature removed or with
// more parts than a JWS has.
TEST(JwtAttacks, StrippedOrExtraPartsAreRefused) {
    const auto good = sign(idp_key(), kClaims);
    ASSERT_TRUE(verify_jws(good, idp_jwks()).value);
    const auto without_signature = good.substr(0, good.rfind('.') + 1);
    EXPECT_FALSE(verify_jws(without_signature, idp_jwks()).value);
    EXPECT_FALSE(verify_jws(good + ".", idp_jwks()).value);
    EXPECT_FALSE(verify_jws(good + ".AAAA.AAAA", idp_jwks()).value);
}

// kid injection (path traversal, SQL, header splitting in the log line): an unknown kid is only unknown, and the
// error that ends up in a log carries it escaped by the caller, never as a second line.
TEST(JwtAttacks, HostileKidsAreJustUnknown) {
    for (const char* kid : {"../../../../dev/null", "' OR '1'='1", "idp-key\n[info] auth: status=202", ""}) {
        const auto r = verify_jws(sign(attacker_key(), kClaims, {{"alg", "RS256"}, {"kid", kid}}), idp_jwks());
        EXPECT_FALSE(r.value) << kid;
    }
}

// A token signed by the right key but meant for someone else or for another time (RFC 8725 §3.8, §3.9;
// OIDC Core §3.1.3.7): issuer, audience, expiry, not-before, nonce replay.
TEST(JwtAttacks, ValidSignaturesDoNotRescueWrongClaims) {
    const auto with = [](const char* key, nlohmann::json value) {
        auto c = kClaims;
        if (value.is_null()) c.erase(key);
        else c[key] = std::move(value);
        return c;
    };
    for (const auto& claims : {with("iss", "https://idp.evil"), with("aud", "another-client"), with("exp", kNow - 3600),
                               with("exp", nullptr), with("nbf", kNow + 3600), with("nonce", "replayed-from-elsewhere"),
                               with("iss", nullptr), with("aud", nlohmann::json::array({"gatehouse", "another"}))}) {
        const auto verified = verify_jws(sign(idp_key(), claims), idp_jwks());
        ASSERT_TRUE(verified.value);  // the signature is fine: the claims must be what refuses it
        EXPECT_NE(check_token_claims(verified.value->payload, expected()), "") << claims.dump();
    }
}
