#pragma once
// Test-only JOSE signer: generates keys with OpenSSL, publishes them as JWKs and signs tokens, so the
// verifier is tested against independently produced signatures of every supported algorithm.
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "crypto/base64.hpp"

namespace gh::test {

struct TestKey {
    std::shared_ptr<EVP_PKEY> key;
    std::string alg;
    std::string kid;
    nlohmann::json jwk;  // public part
};

inline std::string b64(const crypto::Bytes& b) { return crypto::base64url_encode(b); }
inline std::string b64(std::string_view s) { return crypto::base64url_encode(crypto::as_bytes(s)); }

inline crypto::Bytes bn_bytes(EVP_PKEY* k, const char* name, std::size_t pad = 0) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(k, name, &bn) != 1) throw std::runtime_error("get_bn_param");
    crypto::Bytes out(std::max<std::size_t>(pad, BN_num_bytes(bn)));
    BN_bn2binpad(bn, out.data(), static_cast<int>(out.size()));
    BN_free(bn);
    return out;
}

inline TestKey make_key(const std::string& alg, const std::string& kid) {
    EVP_PKEY* raw = nullptr;
    TestKey t{nullptr, alg, kid, {{"kid", kid}, {"use", "sig"}}};
    if (alg[0] == 'R' || alg[0] == 'P') {
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
        t.jwk["kty"] = "RSA";
        t.jwk["n"] = b64(bn_bytes(raw, OSSL_PKEY_PARAM_RSA_N));
        t.jwk["e"] = b64(bn_bytes(raw, OSSL_PKEY_PARAM_RSA_E));
    } else if (alg[0] == 'E' && alg != "EdDSA") {
        const bool p256 = alg == "ES256";
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", p256 ? "P-256" : "P-384");
        const std::size_t size = p256 ? 32 : 48;
        t.jwk["kty"] = "EC";
        t.jwk["crv"] = p256 ? "P-256" : "P-384";
        t.jwk["x"] = b64(bn_bytes(raw, OSSL_PKEY_PARAM_EC_PUB_X, size));
        t.jwk["y"] = b64(bn_bytes(raw, OSSL_PKEY_PARAM_EC_PUB_Y, size));
    } else {
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        crypto::Bytes pub(32);
        std::size_t len = pub.size();
        EVP_PKEY_get_raw_public_key(raw, pub.data(), &len);
        t.jwk["kty"] = "OKP";
        t.jwk["crv"] = "Ed25519";
        t.jwk["x"] = b64(pub);
    }
    if (!raw) throw std::runtime_error("keygen failed");
    t.key.reset(raw, &EVP_PKEY_free);
    return t;
}

inline std::string jwks_of(std::initializer_list<const TestKey*> keys) {
    nlohmann::json doc{{"keys", nlohmann::json::array()}};
    for (const auto* k : keys) doc["keys"].push_back(k->jwk);
    return doc.dump();
}

inline std::string sign(const TestKey& k, const nlohmann::json& payload, nlohmann::json header = {}) {
    if (!header.contains("alg")) header["alg"] = k.alg;
    if (!header.contains("kid")) header["kid"] = k.kid;
    const std::string input = b64(header.dump()) + "." + b64(payload.dump());
    const EVP_MD* md = k.alg == "EdDSA" ? nullptr
                       : k.alg.ends_with("384") ? EVP_sha384()
                       : k.alg.ends_with("512") ? EVP_sha512()
                                                : EVP_sha256();
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, k.key.get());
    if (k.alg[0] == 'P') {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    std::size_t len = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size());
    crypto::Bytes sig(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, data, input.size()) != 1) throw std::runtime_error("sign");
    sig.resize(len);
    if (k.alg == "ES256" || k.alg == "ES384") {
        // DER → the fixed-size R || S that JOSE uses.
        const std::size_t size = k.alg == "ES256" ? 32 : 48;
        const unsigned char* p = sig.data();
        ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        crypto::Bytes raw(2 * size);
        BN_bn2binpad(ECDSA_SIG_get0_r(es), raw.data(), static_cast<int>(size));
        BN_bn2binpad(ECDSA_SIG_get0_s(es), raw.data() + size, static_cast<int>(size));
        ECDSA_SIG_free(es);
        sig = raw;
    }
    return input + "." + b64(sig);
}

}  // namespace gh::test
