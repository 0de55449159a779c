#pragma once
// RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256) with a private key read from PEM: a Google service account
// signs its own token requests (RFC 7523 JWT bearer assertions) with one.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace gh::crypto {

class RsaSigner {
public:
    // nullopt when `pem` holds no RSA private key (PKCS#8 "PRIVATE KEY" or "RSA PRIVATE KEY").
    static std::optional<RsaSigner> from_pem(std::string_view pem);

    // The signature of `data`; empty only if OpenSSL fails.
    Bytes sign_rs256(ByteView data) const;

private:
    explicit RsaSigner(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
    std::shared_ptr<EVP_PKEY> key_;  // shared: signing does not change the key, and copies may sign at once
};

}  // namespace gh::crypto
