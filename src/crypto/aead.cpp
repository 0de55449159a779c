#include "crypto/aead.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <vector>
#include <stdexcept>

#include "crypto/random.hpp"

namespace gh::crypto {
namespace {

struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const EVP_CIPHER* aes_256_gcm() {
    // Fetched once: EVP_CIPHER_fetch takes a global lock in OpenSSL 3.
    static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return cipher;
}

// Initialising a context with a cipher and key allocates and expands the key schedule; doing it once
// per thread and key, and only setting the nonce per message, keeps the hot path free of heap traffic
// and locks. A handful of keys exist per process (session, CSRF, rotation), so a short list suffices.
struct KeyedContexts {
    AeadKey key;
    CipherCtx seal{EVP_CIPHER_CTX_new()};
    CipherCtx open{EVP_CIPHER_CTX_new()};
};

KeyedContexts& contexts_for(const AeadKey& key) {
    thread_local std::vector<std::unique_ptr<KeyedContexts>> cache;
    for (auto& c : cache)
        if (c->key == key) return *c;
    auto c = std::make_unique<KeyedContexts>();
    c->key = key;
    if (!c->seal || !c->open ||
        EVP_EncryptInit_ex2(c->seal.get(), aes_256_gcm(), key.data(), nullptr, nullptr) != 1 ||
        EVP_DecryptInit_ex2(c->open.get(), aes_256_gcm(), key.data(), nullptr, nullptr) != 1)
        throw std::runtime_error("AES-256-GCM initialisation failed");
    cache.push_back(std::move(c));
    return *cache.back();
}

}  // namespace

void aead_seal(const AeadKey& key, ByteView plaintext, ByteView associated_data, Bytes& out) {
    EVP_CIPHER_CTX* ctx = contexts_for(key).seal.get();
    const std::size_t start = out.size();
    out.resize(start + kAeadNonceSize + plaintext.size() + kAeadTagSize);
    std::uint8_t* nonce = out.data() + start;
    fill_random({nonce, kAeadNonceSize});
    std::uint8_t* body = nonce + kAeadNonceSize;
    int len = 0;
    bool ok = EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce, nullptr) == 1 &&
              EVP_EncryptUpdate(ctx, nullptr, &len, associated_data.data(),
                                static_cast<int>(associated_data.size())) == 1 &&
              EVP_EncryptUpdate(ctx, body, &len, plaintext.data(), static_cast<int>(plaintext.size())) ==
                  1 &&
              EVP_EncryptFinal_ex(ctx, body + len, &len) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAeadTagSize),
                                  body + plaintext.size()) == 1;
    if (!ok) throw std::runtime_error("AES-256-GCM encryption failed");
}

bool aead_open(const AeadKey& key, ByteView sealed, ByteView associated_data, Bytes& out) {
    out.clear();
    if (sealed.size() < kAeadOverhead) return false;
    EVP_CIPHER_CTX* ctx = contexts_for(key).open.get();
    const std::uint8_t* nonce = sealed.data();
    const std::uint8_t* body = nonce + kAeadNonceSize;
    const std::size_t body_size = sealed.size() - kAeadOverhead;
    // GCM verifies the tag only at Final; EVP wants a mutable tag buffer.
    std::array<std::uint8_t, kAeadTagSize> tag{};
    std::copy_n(body + body_size, kAeadTagSize, tag.begin());
    out.resize(body_size);
    int len = 0;
    bool ok = EVP_DecryptInit_ex2(ctx, nullptr, nullptr, nonce, nullptr) == 1 &&
              EVP_DecryptUpdate(ctx, nullptr, &len, associated_data.data(),
                                static_cast<int>(associated_data.size())) == 1 &&
              EVP_DecryptUpdate(ctx, out.data(), &len, body, static_cast<int>(body_size)) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAeadTagSize),
                                  tag.data()) == 1 &&
              EVP_DecryptFinal_ex(ctx, out.data() + len, &len) == 1;
    if (!ok) out.clear();
    return ok;
}

}  // namespace gh::crypto
