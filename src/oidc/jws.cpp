#include "oidc/jws.hpp"

#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <memory>

#include "crypto/base64.hpp"

namespace gh::oidc {
namespace {

enum class Family { rsa_pkcs1, rsa_pss, ecdsa, eddsa };

struct Algorithm {
    std::string_view name;
    Family family;
    const EVP_MD* (*digest)();
    std::string_view curve;  // ECDSA: the curve the algorithm mandates
};

const Algorithm* find_algorithm(std::string_view name) {
    static const Algorithm kAlgorithms[] = {
        {"RS256", Family::rsa_pkcs1, EVP_sha256, ""}, {"RS384", Family::rsa_pkcs1, EVP_sha384, ""},
        {"RS512", Family::rsa_pkcs1, EVP_sha512, ""}, {"PS256", Family::rsa_pss, EVP_sha256, ""},
        {"PS384", Family::rsa_pss, EVP_sha384, ""},   {"PS512", Family::rsa_pss, EVP_sha512, ""},
        {"ES256", Family::ecdsa, EVP_sha256, "P-256"}, {"ES384", Family::ecdsa, EVP_sha384, "P-384"},
        {"ES512", Family::ecdsa, EVP_sha512, "P-521"}, {"EdDSA", Family::eddsa, nullptr, ""},
    };
    for (const auto& a : kAlgorithms)
        if (a.name == name) return &a;
    return nullptr;
}

bool key_fits(const Algorithm& alg, const Jwk& k) {
    switch (alg.family) {
        case Family::rsa_pkcs1:
        case Family::rsa_pss: return k.type == KeyType::rsa;
        case Family::ecdsa: return k.type == KeyType::ec && k.curve == alg.curve;
        case Family::eddsa: return k.type == KeyType::okp;
    }
    return false;
}

// JOSE carries an ECDSA signature as fixed-size R || S; OpenSSL verifies DER.
std::optional<crypto::Bytes> ecdsa_raw_to_der(const crypto::Bytes& raw) {
    if (raw.empty() || raw.size() % 2 != 0) return std::nullopt;
    const int half = static_cast<int>(raw.size() / 2);
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(raw.data(), half, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + half, half, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (len <= 0) return std::nullopt;
    crypto::Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

std::size_t ec_signature_size(std::string_view curve) {
    return curve == "P-256" ? 64 : curve == "P-384" ? 96 : 132;
}

bool verify_signature(const Algorithm& alg, const Jwk& key, std::string_view signing_input, crypto::Bytes sig) {
    if (alg.family == Family::ecdsa) {
        if (sig.size() != ec_signature_size(key.curve)) return false;
        auto der = ecdsa_raw_to_der(sig);
        if (!der) return false;
        sig = std::move(*der);
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx ||
        EVP_DigestVerifyInit(ctx.get(), &pctx, alg.digest ? alg.digest() : nullptr, nullptr, key.key.get()) != 1)
        return false;
    if (alg.family == Family::rsa_pss &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
        return false;
    if (alg.family == Family::rsa_pkcs1 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
    const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
    return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data, signing_input.size()) == 1;
}

std::optional<nlohmann::json> decode_json_part(std::string_view part) {
    crypto::Bytes raw;
    if (!crypto::base64url_decode(part, raw)) return std::nullopt;
    auto j = nlohmann::json::parse(raw.begin(), raw.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

JwsResult fail(std::string why) { return JwsResult{std::nullopt, std::move(why), false}; }

}  // namespace

JwsResult verify_jws(std::string_view compact, const JwkSet& keys) {
    const auto dot1 = compact.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : compact.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || compact.find('.', dot2 + 1) != std::string_view::npos)
        return fail("not a compact JWS (three dot-separated parts)");
    auto header = decode_json_part(compact.substr(0, dot1));
    if (!header) return fail("malformed JWS header");
    auto payload = decode_json_part(compact.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!payload) return fail("malformed JWS payload");
    crypto::Bytes signature;
    if (!crypto::base64url_decode(compact.substr(dot2 + 1), signature) || signature.empty())
        return fail("malformed JWS signature");

    // Not json::value: it throws when `alg` is there but not a string.
    const auto alg_it = header->find("alg");
    const std::string alg_name = alg_it != header->end() && alg_it->is_string() ? alg_it->get<std::string>() : "";
    const Algorithm* alg = find_algorithm(alg_name);
    if (!alg) return fail("algorithm '" + alg_name + "' is not accepted");
    if (header->contains("crit")) return fail("unsupported critical header parameters");
    const std::string kid = header->contains("kid") && (*header)["kid"].is_string() ? (*header)["kid"].get<std::string>() : "";

    const Jwk* key = nullptr;
    bool kid_seen = false;
    for (const auto& k : keys.keys) {
        if (!kid.empty() && k.kid != kid) continue;
        kid_seen = true;
        if (!key_fits(*alg, k) || (!k.alg.empty() && k.alg != alg->name)) continue;
        key = &k;
        break;
    }
    if (!key) {
        JwsResult r = fail(kid_seen ? "no key of kid '" + kid + "' fits algorithm " + alg_name
                                    : "no key with kid '" + kid + "' in the JWKS");
        r.unknown_kid = !kid_seen;
        return r;
    }
    if (!verify_signature(*alg, *key, compact.substr(0, dot2), std::move(signature)))
        return fail("signature does not verify (" + alg_name + ", kid '" + kid + "')");
    return JwsResult{VerifiedJws{std::move(*header), std::move(*payload)}, {}, false};
}

}  // namespace gh::oidc
