#pragma once
// Public keys from a JWKS document (RFC 7517), as OpenSSL keys.
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result/result.hpp"

namespace gh::oidc {

using PublicKey = std::shared_ptr<EVP_PKEY>;

enum class KeyType { rsa, ec, okp };

struct Jwk {
    std::string kid;
    KeyType type = KeyType::rsa;
    std::string curve;  // EC: P-256/P-384/P-521; OKP: Ed25519/Ed448
    std::string alg;    // optional "alg" member; empty when absent
    PublicKey key;
};

struct JwkSet {
    std::vector<Jwk> keys;
    // Keys that could not be used (unknown kty, private-only, encryption keys …) with why, for the log.
    std::vector<std::string> skipped;
};

// Parses a JWKS JSON document. Keys marked `"use": "enc"` and unsupported key types are skipped, not fatal:
// an IdP may publish keys we never need. Fails only when the document itself is malformed.
Result<JwkSet> read_jwks(std::string_view json);
// The throwing form of read_jwks(), for documents known to be good (tests, fuzzers): std::runtime_error.
JwkSet parse_jwks(std::string_view json);

}  // namespace gh::oidc
