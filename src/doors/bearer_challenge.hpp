#pragma once
// What a 401 says to a client that may authenticate by its Authorization header: a bearer token (RFC 6750 §3,
// --skip-jwt-bearer-tokens) or a user and password (RFC 7617, --htpasswd-file).
#include <string>

#include "gate/decision.hpp"
#include "doors/config.hpp"

namespace gh::doors {

// True for the refusals of presented credentials: answered 401 (or 403) with a challenge, never a redirect.
bool is_credential_refusal(gate::Reason r);

// The WWW-Authenticate value for a refusal, or empty when none is due: `Bearer error="invalid_token",
// error_description="…"` for a refused token, plain `Bearer` for a request without credentials while bearer
// tokens are accepted, `Basic realm=…` for a refused password. The description is fixed text: the detailed
// cause goes to the log only.
std::string bearer_challenge(const Config& o, const gate::Decision& d);

}  // namespace gh::doors
