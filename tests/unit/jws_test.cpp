#include "oidc/jws.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include "jose_test_keys.hpp"

using namespace gh::oidc;
using gh::test::make_key;
using gh::test::sign;
using gh::test::TestKey;

namespace {

const nlohmann::json kPayload{{"iss", "https://idp"}, {"sub", "u1"}};

const TestKey& key(const std::string& alg) {
    static std::map<std::string, TestKey> keys;
    auto it = keys.find(alg);
    if (it == keys.end()) it = keys.emplace(alg, make_key(alg, "kid-" + alg)).first;
    return it->second;
}

JwkSet set_of(std::initializer_list<const TestKey*> keys) { return parse_jwks(gh::test::jwks_of(keys)); }

}  // namespace

class JwsAlgorithms : public ::testing::TestWithParam<std::string> {};

TEST_P(JwsAlgorithms, VerifiesAValidSignatureAndRejectsATamperedOne) {
    const auto& k = key(GetParam());
    const auto keys = set_of({&k});
    const auto token = sign(k, kPayload);
    const auto ok = verify_jws(token, keys);
    ASSERT_TRUE(ok.value) << ok.error;
    EXPECT_EQ(ok.value->payload["sub"], "u1");

    // Payload changed after signing.
    const auto dot1 = token.find('.');
    const auto dot2 = token.find('.', dot1 + 1);
    const auto forged_payload = token.substr(0, dot1 + 1) + gh::test::b64(R"({"iss":"https://idp","sub":"admin"})") +
                                token.substr(dot2);
    EXPECT_FALSE(verify_jws(forged_payload, keys).value);
    // One signature bit flipped.
    auto flipped = token;
    flipped[dot2 + 5] = flipped[dot2 + 5] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_jws(flipped, keys).value);
}

INSTANTIATE_TEST_SUITE_P(EverySupportedAlgorithm, JwsAlgorithms,
                         ::testing::Values("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"));

TEST(Jws, RejectsAlgNone) {
    const auto& k = key("RS256");
    const std::string token = gh::test::b64(R"({"alg":"none","kid":"kid-RS256"})") + "." +
                              gh::test::b64(kPayload.dump()) + ".";
    const auto r = verify_jws(token, set_of({&k}));
    EXPECT_FALSE(r.value);
    const std::string with_sig = token + "AAAA";
    EXPECT_EQ(verify_jws(with_sig, set_of({&k})).error, "algorithm 'none' is not accepted");
}

TEST(Jws, RejectsHmacSignedWithThePublicKey) {
    // The classic key-confusion attack: HS256 keyed with the RSA public key the attacker can download.
    const auto& k = key("RS256");
    const std::string input = gh::test::b64(R"({"alg":"HS256","kid":"kid-RS256"})") + "." + gh::test::b64(kPayload.dump());
    const std::string secret = k.jwk.dump();
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    const auto token = input + "." + gh::crypto::base64url_encode({mac, len});
    EXPECT_EQ(verify_jws(token, set_of({&k})).error, "algorithm 'HS256' is not accepted");
}

TEST(Jws, RejectsAKeyOfTheWrongFamilyOrCurve) {
    const auto& rsa = key("RS256");
    const auto& p384 = key("ES384");
    // An ES256 header naming the P-384 key's kid: the curve does not fit the algorithm.
    auto token = sign(p384, kPayload, {{"alg", "ES256"}, {"kid", "kid-ES384"}});
    EXPECT_FALSE(verify_jws(token, set_of({&rsa, &p384})).value);
    // An RS256 token presented with the kid of an EC key.
    token = sign(rsa, kPayload, {{"alg", "RS256"}, {"kid", "kid-ES384"}});
    EXPECT_FALSE(verify_jws(token, set_of({&rsa, &p384})).value);
}

TEST(Jws, ReportsAnUnknownKidSoTheCallerCanRefetch) {
    const auto& a = key("RS256");
    const auto& b = key("PS256");
    const auto r = verify_jws(sign(b, kPayload), set_of({&a}));
    EXPECT_FALSE(r.value);
    EXPECT_TRUE(r.unknown_kid);
}

TEST(Jws, RejectsMalformedTokens) {
    const auto keys = set_of({&key("RS256")});
    for (auto bad : {"", "a.b", "a.b.c.d", "!!.e30.AAAA", "e30.!!.AAAA", "e30.e30.", "e30.e30.!!"})
        EXPECT_FALSE(verify_jws(bad, keys).value) << bad;
}

TEST(Jwks, SkipsUnusableKeysAndKeepsTheRest) {
    const auto& k = key("ES256");
    nlohmann::json doc{{"keys",
                        {k.jwk,
                         {{"kty", "RSA"}, {"kid", "enc"}, {"use", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}},
                         {{"kty", "oct"}, {"kid", "sym"}, {"k", "c2VjcmV0"}},
                         {{"kty", "EC"}, {"kid", "off-curve"}, {"crv", "P-256"}, {"x", k.jwk["y"]}, {"y", k.jwk["x"]}},
                         {{"kty", "RSA"}, {"kid", "short"}, {"n", "AQAB"}, {"e", "AQAB"}}}}};
    const auto set = parse_jwks(doc.dump());
    ASSERT_EQ(set.keys.size(), 1u);
    EXPECT_EQ(set.keys[0].kid, "kid-ES256");
    EXPECT_EQ(set.skipped.size(), 4u);
    EXPECT_THROW(parse_jwks("{}"), std::runtime_error);
    EXPECT_THROW(parse_jwks("not json"), std::runtime_error);
}

TEST(Jws, AnAlgThatIsNotAStringIsRefusedNotThrownOn) {
    // {"alg":1,"kid":"r1"}.{"sub":"a"}.sig: json::value would throw on the number.
    const auto r = gh::oidc::verify_jws("eyJhbGciOjEsImtpZCI6InIxIn0.eyJzdWIiOiJhIn0.c2ln", gh::oidc::JwkSet{});
    EXPECT_FALSE(r.value);
    EXPECT_EQ(r.error, "algorithm '' is not accepted");
}
