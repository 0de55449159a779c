#pragma once
// POST /oauth2/backchannel_logout (OpenID Connect Back-Channel Logout 1.0): the IdP tells us, server to
// server, that a user's IdP session ended; every Gatehouse session of that IdP session (`sid`), or of that
// user (`sub`) when the token names no session, ends in the shared store, for every replica.
#include <boost/asio/awaitable.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "oidc/provider.hpp"
#include "session/session_store.hpp"

namespace gh::login {

boost::asio::awaitable<void> handle_backchannel_logout(const oidc::Provider& provider,
                                                       const session::SessionStore& store, const http::Request& req,
                                                       http::Response& res);

}  // namespace gh::login
