#pragma once
#include <string>

#include "crypto/secret.hpp"

namespace gh::providers {

// A service account's JSON key, as --google-service-account-json gives it.
struct ServiceAccount {
    std::string client_email;
    std::string private_key_id;
    crypto::Secret private_key;  // PEM
    std::string token_uri;
};

}  // namespace gh::providers
