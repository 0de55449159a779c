// RS256 signing with a PEM private key (crypto/rsa_signer.hpp), checked by OpenSSL's own verification with the
// public half.
#include "crypto/rsa_signer.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Key new_key(const char* type) {
    EVP_PKEY* key = std::string(type) == "RSA" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
    return Key(key, &EVP_PKEY_free);
}

std::string private_pem(EVP_PKEY* key) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

bool verifies(EVP_PKEY* key, const std::string& data, const gh::crypto::Bytes& signature) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
           EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

}  // namespace

TEST(RsaSigner, SignaturesVerifyWithThePublicKeyAndOnlyForTheSignedBytes) {
    const Key key = new_key("RSA");
    const auto signer = gh::crypto::RsaSigner::from_pem(private_pem(key.get()));
    ASSERT_TRUE(signer);
    const std::string input = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJzYSJ9";
    const auto signature = signer->sign_rs256(gh::crypto::as_bytes(input));
    EXPECT_EQ(signature.size(), 256u);
    EXPECT_TRUE(verifies(key.get(), input, signature));
    EXPECT_FALSE(verifies(key.get(), input + "x", signature));
}

TEST(RsaSigner, OnlyAnRsaPrivateKeyIsAccepted) {
    EXPECT_FALSE(gh::crypto::RsaSigner::from_pem("not a key"));
    EXPECT_FALSE(gh::crypto::RsaSigner::from_pem(""));
    const Key ec = new_key("EC");
    EXPECT_FALSE(gh::crypto::RsaSigner::from_pem(private_pem(ec.get()))) << "RS256 needs RSA";
}
