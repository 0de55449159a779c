#pragma once
// GET /oauth2/sign_out: forgets the session (in the store too, so a copied Redis ticket stops working),
// clears every session cookie the browser sent, then sends it to the IdP's logout (end_session_endpoint or
// --backend-logout-url) when there is one, otherwise straight to `rd`.
#include <boost/asio/awaitable.hpp>

#include "authz/redirect_validator.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "oidc/provider.hpp"
#include "login/config.hpp"
#include "clock/clock.hpp"
#include "session/session_store.hpp"

namespace gh::login {

// `rd` (or X-Auth-Request-Redirect) must pass the redirect validator; anything else goes to "/".
boost::asio::awaitable<void> handle_sign_out(const Config& o, const session::SessionStore& store,
                                             const authz::RedirectValidator& redirects,
                                             const oidc::Provider& provider, const Clock& clock,
                                             const http::Request& req, http::Response& res);

}  // namespace gh::login
