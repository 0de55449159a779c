#pragma once
// GET /oauth2/sign_out: clears every session cookie the browser sent and sends it on.
#include "http/request.hpp"
#include "http/response.hpp"
#include "options/options.hpp"
#include "session/cookie_session_store.hpp"

namespace gh::login {

// Until [sign-in] brings --whitelist-domain validation, only a local path is accepted as `rd`;
// anything else goes to "/" so that sign-out can never be an open redirect.
void handle_sign_out(const options::Options& o, const session::CookieSessionStore& store, const http::Request& req,
                     http::Response& res);

}  // namespace gh::login
