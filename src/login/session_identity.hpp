#pragma once
// Who a session is for, written from what the identity provider said (an ID token's claims, or a provider's API
// for GitHub): the one mapping from oidc::Identity to the session's fields, for sign-in, refresh and the doctor's
// cookie-size check alike, so that a field added to the identity reaches every session the same way.
#include "oidc/claims.hpp"
#include "session/session.hpp"

namespace gh::login {

// Sets user, e-mail, preferred username and groups; the IdP's session id (`sid`) only when the identity carries
// one (a refresh answer often does not, and the sign-in's value stays what back-channel logout matches).
inline void adopt_identity(session::Session& s, const oidc::Identity& id) {
    s.user = id.user;
    s.email = id.email;
    s.preferred_username = id.preferred_username;
    s.groups = id.groups;
    if (!id.idp_session_id.empty()) s.idp_session_id = id.idp_session_id;
}

}  // namespace gh::login
