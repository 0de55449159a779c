#pragma once
// Reverse-proxy mode's door: everything outside --proxy-prefix, oauth2-proxy's upstream side. The gate decides as for any door; an allowed
// request is answered by its --upstream (static://CODE, file:///dir, or proxied to http://… in reverse-proxy mode). A browser
// that must sign in gets the sign-in page (403, as oauth2-proxy answers), a program 401 with the challenge.
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "gate/gate.hpp"
#include "http/original_request.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "login/login_flow.hpp"
#include "doors/config.hpp"
#include "proxy/file_upstream.hpp"
#include "proxy/reverse_proxy.hpp"

namespace gh::doors {

class UpstreamDoor {
public:
    UpstreamDoor(Config config, proxy::Config proxy, const gate::Gate& gate, const login::LoginFlow& login);

    boost::asio::awaitable<void> handle(const http::Request& req, http::Response& res) const;

private:
    // A refusal still delivers the Decision's Set-Cookie values (a session renewed, or ended, on the way).
    void refuse(const http::Request& req, const http::OriginalRequest& read, http::Response& res,
                const gate::Decision& d) const;

    const Config config_;
    const proxy::Config proxy_config_;
    const gate::Gate& gate_;
    const login::LoginFlow& login_;
    proxy::ReverseProxy proxy_;
    std::unique_ptr<proxy::FileUpstream> files_;  // with a file:// upstream (its own small pool for disk reads)
};

}  // namespace gh::doors
