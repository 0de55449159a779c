#pragma once
// The door for nginx auth_request and ingress-nginx auth-url: GET /oauth2/auth answers
// 202 + identity headers (allow), 401 (sign in), 403 (signed in, not allowed). Bodies are never shown
// to the user by nginx, so they are left empty.
#include <memory>

#include "gate/gate.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace gh::doors {

class NginxDoor {
public:
    NginxDoor(const gate::Gate& gate, std::shared_ptr<const options::Options> options);
    void handle(const http::Request& req, http::Response& res) const;

private:
    const gate::Gate& gate_;
    std::shared_ptr<const options::Options> options_;
};

}  // namespace gh::doors
