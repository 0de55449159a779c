#pragma once
// Maps a request path to its endpoint. Exact matches only: the endpoint set is small and fixed.
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "authz/redirect_validator.hpp"
#include "doors/nginx_door.hpp"
#include "http/request.hpp"
#include "login/login_flow.hpp"
#include "http/response.hpp"
#include "options/options.hpp"
#include "session/cookie_session_store.hpp"

namespace gh::app {

class Router {
public:
    Router(std::shared_ptr<const options::Options> options, const session::CookieSessionStore& store,
           const gate::Gate& gate, const oidc::Provider& provider, const Clock& clock);
    // Most endpoints answer without suspending; the OIDC callback waits for the IdP.
    boost::asio::awaitable<void> handle(const http::Request& req, http::Response& res) const;

private:
    void handle_now(const http::Request& req, http::Response& res) const;

    std::shared_ptr<const options::Options> options_;
    const session::CookieSessionStore& store_;
    const gate::Gate& gate_;
    const oidc::Provider& provider_;
    const Clock& clock_;
    authz::RedirectValidator redirects_;
    login::SessionRefresher refresher_;
    doors::NginxDoor nginx_;
    login::LoginFlow login_;
    std::string auth_path_, userinfo_path_, sign_out_path_, start_path_, sign_in_path_, callback_path_;
};

}  // namespace gh::app
