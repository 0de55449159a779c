#pragma once
#include "crypto/secret.hpp"

namespace gh::options {

using Secret = crypto::Secret;

}  // namespace gh::options
