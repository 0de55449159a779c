#pragma once
// GET /oauth2/userinfo: the signed-in user as JSON {"user","email","groups","preferredUsername"}; 401 otherwise.
#include <boost/asio/awaitable.hpp>

#include "gate/gate.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace gh::login {

boost::asio::awaitable<void> handle_userinfo(const gate::Gate& gate, const http::Request& req, http::Response& res);

}  // namespace gh::login
