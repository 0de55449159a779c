#pragma once
// OpenID Connect Core §12.2: the ID token a refresh returns must name the same issuer (`iss`) and subject (`sub`)
// as the one the session was made from. A refresh that names someone else must end the session, never renew it
// as that other user.
#include <string>
#include <string_view>

#include "oidc/claims.hpp"

namespace gh::oidc {

// `session_id_token`: the ID token the session holds (verified when it was received, then kept sealed in the
// session, so read here without verifying again); `session_user`: the session's user. `refreshed`: the identity
// of the refresh's verified tokens. Empty when they name the same person (the same `iss` and `sub`, and the same
// user claim, which every rule and identity header reads), otherwise why not, for the log.
std::string identity_change(std::string_view session_id_token, std::string_view session_user, const Identity& refreshed);

}  // namespace gh::oidc
