#pragma once
// Maps a request path to its endpoint. Exact matches only: the endpoint set is small and fixed.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "authz/redirect_validator.hpp"
#include "doors/http_door.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "doors/proxy_mode/upstream_door.hpp"
#include "login/login_flow.hpp"
#include "observe/metrics.hpp"
#include "options/options.hpp"
#include "session/session_store.hpp"

namespace gh::app {

class Router {
public:
    // `store_ready`: whether the session store can be reached (for /ready); unset: always.
    Router(std::shared_ptr<const options::Options> options, const session::SessionStore& store,
           const gate::Gate& gate, const oidc::Provider& provider, const Clock& clock,
           std::function<bool()> store_ready = {});
    // Most endpoints answer without suspending; the OIDC callback waits for the IdP, Redis sessions for Redis.
    boost::asio::awaitable<void> handle(const http::Request& req, http::Response& res) const;

private:
    // Every HTTP door of doors::http_doors(), with the endpoint its answers are counted under.
    struct Door {
        doors::HttpDoor door;
        observe::Endpoint endpoint;
    };
    const Door* door_for(std::string_view path) const;
    // The endpoint of a path no door serves.
    observe::Endpoint endpoint_of(std::string_view path) const;
    bool wants_request_line(const http::Request& req, observe::Endpoint endpoint) const;
    // Where --force-https sends plain HTTP: --https-address's port, else 443.
    std::uint16_t https_port() const;
    void log_request(const http::Request& req, const http::Response& res, observe::Endpoint endpoint,
                     std::chrono::nanoseconds elapsed) const;
    // Endpoints that never wait.
    void handle_now(const http::Request& req, http::Response& res) const;

    std::shared_ptr<const options::Options> options_;
    const session::SessionStore& store_;
    const gate::Gate& gate_;
    const oidc::Provider& provider_;
    const Clock& clock_;
    std::function<bool()> store_ready_;
    authz::RedirectValidator redirects_;
    std::vector<Door> doors_;  // every HTTP door of doors::http_doors()
    login::LoginFlow login_;
    doors::UpstreamDoor upstream_;
    std::string userinfo_path_, sign_out_path_, start_path_, sign_in_path_, callback_path_,
        backchannel_logout_path_, signed_out_path_;
};

}  // namespace gh::app
