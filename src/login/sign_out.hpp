#pragma once
// GET /oauth2/sign_out: clears every session cookie the browser sent and sends it on.
#include "authz/redirect_validator.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "options/options.hpp"
#include "session/cookie_session_store.hpp"

namespace gh::login {

// `rd` (or X-Auth-Request-Redirect) must pass the redirect validator; anything else goes to "/".
void handle_sign_out(const options::Options& o, const session::CookieSessionStore& store,
                     const authz::RedirectValidator& redirects, const http::Request& req, http::Response& res);

}  // namespace gh::login
