#pragma once
// The cookie secrets in force: the current one seals, every one of them opens. A rotation adds a new
// --cookie-secret and moves the old one to --cookie-secret-previous, so nobody is signed out by it.
#include <vector>

#include "crypto/bytes.hpp"

namespace gh::session {

struct CookieSecrets {
    CookieSecrets() = default;
    // Implicit: most callers (and tests) have one secret and no previous ones.
    CookieSecrets(crypto::ByteView current_secret) : current(current_secret.begin(), current_secret.end()) {}
    CookieSecrets(const crypto::Bytes& current_secret) : current(current_secret) {}
    CookieSecrets(crypto::Bytes current_secret, std::vector<crypto::Bytes> previous_secrets)
        : current(std::move(current_secret)), previous(std::move(previous_secrets)) {}

    crypto::Bytes current;
    std::vector<crypto::Bytes> previous;  // newest first
};

}  // namespace gh::session
