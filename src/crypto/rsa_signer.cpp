#include "crypto/rsa_signer.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

namespace gh::crypto {

std::optional<RsaSigner> RsaSigner::from_pem(std::string_view pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    if (!bio) return std::nullopt;
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (!key) return std::nullopt;
    std::shared_ptr<EVP_PKEY> owned(key, &EVP_PKEY_free);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return std::nullopt;
    return RsaSigner(std::move(owned));
}

Bytes RsaSigner::sign_rs256(ByteView data) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t size = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, data.data(), data.size()) != 1)
        return {};
    Bytes signature(size);
    if (EVP_DigestSign(ctx.get(), signature.data(), &size, data.data(), data.size()) != 1) return {};
    signature.resize(size);
    return signature;
}

}  // namespace gh::crypto
