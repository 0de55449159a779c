#pragma once
// GET /oauth2/sign_out: clears every session cookie the browser sent, then sends it to the IdP's logout
// (end_session_endpoint or --backend-logout-url) when there is one, otherwise straight to `rd`.
#include "authz/redirect_validator.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "oidc/provider.hpp"
#include "options/options.hpp"
#include "session/clock.hpp"
#include "session/cookie_session_store.hpp"

namespace gh::login {

// `rd` (or X-Auth-Request-Redirect) must pass the redirect validator; anything else goes to "/".
void handle_sign_out(const options::Options& o, const session::CookieSessionStore& store,
                     const authz::RedirectValidator& redirects, const oidc::Provider& provider, const Clock& clock,
                     const http::Request& req, http::Response& res);

}  // namespace gh::login
