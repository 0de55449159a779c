// JWK to EVP_PKEY by hand with OpenSSL 3's OSSL_PARAM API: cjose (Debian's JOSE library) predates OpenSSL 3,
// lacks EdDSA, and would put a second crypto stack between us and the keys.
#include "oidc/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "crypto/base64.hpp"

namespace gh::oidc {
namespace {

using json = nlohmann::json;

Result<crypto::Bytes> b64(const json& jwk, const char* member) {
    if (!jwk.contains(member) || !jwk[member].is_string())
        return failure(ErrorCode::malformed, std::string("missing ") + member);
    crypto::Bytes out;
    // Some IdPs pad their base64url; the padding carries no information.
    std::string text = jwk[member].get<std::string>();
    while (!text.empty() && text.back() == '=') text.pop_back();
    if (!crypto::base64url_decode(text, out) || out.empty())
        return failure(ErrorCode::malformed, std::string("bad base64url in ") + member);
    return out;
}

Result<PublicKey> from_params(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld), &OSSL_PARAM_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr),
                                                                    &EVP_PKEY_CTX_free);
    EVP_PKEY* pkey = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return failure(ErrorCode::invalid_value, "OpenSSL refused the key parameters");
    return PublicKey(pkey, &EVP_PKEY_free);
}

Result<PublicKey> rsa_key(const json& jwk) {
    const auto n = b64(jwk, "n");
    if (!n) return failure(n.error());
    const auto e = b64(jwk, "e");
    if (!e) return failure(e.error());
    if (n->size() < 256) return failure(ErrorCode::unsupported, "RSA modulus shorter than 2048 bits");
    std::unique_ptr<BIGNUM, decltype(&BN_free)> bn_n(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr),
                                                     &BN_free);
    std::unique_ptr<BIGNUM, decltype(&BN_free)> bn_e(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr),
                                                     &BN_free);
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
    if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
        return failure(ErrorCode::invalid_value, "cannot build RSA parameters");
    return from_params("RSA", bld.get());
}

Result<PublicKey> ec_key(const json& jwk, const std::string& crv) {
    const char* group = nullptr;
    std::size_t size = 0;
    if (crv == "P-256") group = "prime256v1", size = 32;
    else if (crv == "P-384") group = "secp384r1", size = 48;
    else if (crv == "P-521") group = "secp521r1", size = 66;
    else return failure(ErrorCode::unsupported, "unsupported EC curve " + crv);
    const auto x = b64(jwk, "x");
    if (!x) return failure(x.error());
    const auto y = b64(jwk, "y");
    if (!y) return failure(y.error());
    if (x->size() != size || y->size() != size)
        return failure(ErrorCode::invalid_value, "EC coordinates of the wrong length");
    crypto::Bytes point{0x04};  // uncompressed SEC1 point: 0x04 || X || Y
    point.insert(point.end(), x->begin(), x->end());
    point.insert(point.end(), y->begin(), y->end());
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(), &OSSL_PARAM_BLD_free);
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return failure(ErrorCode::invalid_value, "cannot build EC parameters");
    // EVP_PKEY_fromdata checks that the point lies on the curve (invalid-curve attacks).
    return from_params("EC", bld.get());
}

Result<PublicKey> okp_key(const json& jwk, const std::string& crv) {
    int type = 0;
    if (crv == "Ed25519") type = EVP_PKEY_ED25519;
    else if (crv == "Ed448") type = EVP_PKEY_ED448;
    else return failure(ErrorCode::unsupported, "unsupported OKP curve " + crv);
    const auto x = b64(jwk, "x");
    if (!x) return failure(x.error());
    EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(type, nullptr, x->data(), x->size());
    if (!pkey) return failure(ErrorCode::invalid_value, "bad OKP public key");
    return PublicKey(pkey, &EVP_PKEY_free);
}

std::string member(const json& j, const char* name) {
    return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string{};
}

// One member of "keys": its type, curve and public key, or why it cannot verify signatures.
Result<PublicKey> public_key(const json& j, Jwk& key) {
    const std::string kty = member(j, "kty");
    const std::string use = member(j, "use");
    if (!use.empty() && use != "sig") return failure(ErrorCode::unsupported, "not a signing key (use=" + use + ")");
    if (kty == "RSA") {
        key.type = KeyType::rsa;
        return rsa_key(j);
    }
    key.curve = member(j, "crv");
    if (kty == "EC") {
        key.type = KeyType::ec;
        return ec_key(j, key.curve);
    }
    if (kty == "OKP") {
        key.type = KeyType::okp;
        return okp_key(j, key.curve);
    }
    return failure(ErrorCode::unsupported, "unsupported key type '" + kty + "'");
}

}  // namespace

Result<JwkSet> read_jwks(std::string_view text) {
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
        return failure(ErrorCode::malformed, "JWKS is not a JSON object with a \"keys\" array");
    JwkSet set;
    for (const auto& j : doc["keys"]) {
        if (!j.is_object()) continue;
        Jwk key;
        key.kid = member(j, "kid");
        key.alg = member(j, "alg");
        auto usable = public_key(j, key);
        if (!usable) {
            set.skipped.push_back("kid '" + key.kid + "': " + describe(usable.error()));
            continue;
        }
        key.key = std::move(*usable);
        set.keys.push_back(std::move(key));
    }
    return set;
}

JwkSet parse_jwks(std::string_view text) { return value_or_throw<std::runtime_error>(read_jwks(text)); }

}  // namespace gh::oidc
