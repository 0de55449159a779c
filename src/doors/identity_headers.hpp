#pragma once
// The identity headers oauth2-proxy puts on an allowed auth answer.
#include "http/response.hpp"
#include "options/options.hpp"
#include "session/session.hpp"

namespace gh::doors {

// Writes X-Auth-Request-* (with --set-xauthrequest, and -Access-Token with --pass-access-token) and GAP-Auth.
// Values come only from the session, never from the request, so a client cannot inject an identity.
void write_identity_headers(const session::Session& s, const options::Options& o, http::Response& res);

}  // namespace gh::doors
