#pragma once
// Reverse-proxy mode: where allowed requests go and what the upstream is told (built by options/proxy_config.cpp).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "identity/config.hpp"

namespace gh::proxy {

// One --upstream. None: requests outside --proxy-prefix are answered 200 "Authenticated" as with static://200.
struct Upstream {
    enum class Kind { http, static_response, file } kind = Kind::static_response;
    std::string path = "/";  // the route: this path prefix (the request's path reaches the upstream unchanged)
    std::string directory;   // file: the files served under `path` (file:///dir#/path)
    std::string host;        // http: name or address, and port
    std::uint16_t port = 80;
    bool tls = false;        // https://
    int status = 200;        // static: the answer's status
    std::string text;        // as given, for logs
};

// The identity part says what the auth answer carries; proxied answers carry the same.
struct Config : identity::Config {
    std::vector<Upstream> upstreams;
    bool pass_user_headers = true;           // X-Forwarded-User, -Email, -Groups, -Preferred-Username
    bool pass_authorization_header = false;  // Authorization: Bearer <ID token>
    bool pass_basic_auth = true;             // Authorization: Basic <user:basic_auth_password> (oauth2-proxy's default)
    bool pass_host_header = true;            // the client's Host (else the upstream's)
    std::chrono::milliseconds upstream_timeout{30'000};  // connect, and each wait for the upstream
    bool ssl_upstream_insecure_skip_verify = false;      // https:// upstreams: accept any certificate
    bool proxy_websockets = true;                        // WebSocket upgrades reach the upstream
    std::string cookie_name;                 // the session cookie, never passed to the upstream
};

}  // namespace gh::proxy
