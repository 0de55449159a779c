#pragma once
// The request line and header block a proxied request is sent upstream with, and the response head the client
// gets back. Pure functions over what was received, so the rules are tested without sockets:
//   - hop-by-hop headers (RFC 9110 §7.6.1, and those named in Connection) stay on their hop;
//   - our own cookies (the session, its chunks, the CSRF cookies) never reach the upstream;
//   - identity headers a client sent itself (X-Forwarded-User …, X-Auth-Request-*) are removed, and ours added
//     from the session (--pass-user-headers, --pass-access-token, --pass-authorization-header, --pass-basic-auth);
//   - X-Forwarded-For/-Proto/-Host describe the client (kept from a --trusted-proxy-ip proxy, else written anew).
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "proxy/config.hpp"
#include "session/session.hpp"

namespace gh::proxy {

struct BodyFraming {
    std::optional<std::uint64_t> content_length;  // nullopt: chunked
};

// `s`: the signed-in user (nullptr on a public route: no identity is passed). `client_ip`: the connection's peer.
void write_upstream_head(const http::Request& req, const Config& o, const Upstream& to,
                         const session::Session* s, std::string_view client_ip, const BodyFraming& body,
                         std::string& out);

// The response head for the client: the upstream's status and headers without hop-by-hop ones, framed by
// `content_length` (nullopt: chunked when `chunked_ok`, else the connection closes after the body).
void write_client_head(const boost::beast::http::response_header<>& upstream, bool has_body,
                       std::optional<std::uint64_t> content_length, bool chunked_ok, bool keep_alive, std::string& out);

// Header lines ("Name: value\r\n" …) Gatehouse adds to an allowed answer from an upstream: `set_cookies` (a
// renewed session) and, as oauth2-proxy does, the auth answer's own headers (GAP-Auth, --set-xauthrequest,
// --set-authorization-header, --set-basic-auth) when `s` is a signed-in user.
std::string answer_head_lines(const session::Session* s, const Config& o,
                              const std::vector<std::string>& set_cookies);

// The protocol a request asks to switch to (`Connection: upgrade` with `Upgrade: websocket`), or empty: WebSocket
// is the only one passed on. Such a request keeps both headers on its way upstream; a 101 answer then turns the
// exchange into a tunnel. None with --proxy-websockets=false: the upgrade headers are then dropped as hop-by-hop.
std::string_view requested_upgrade(const http::Request& req, const Config& o);

// Whether `name` is hop-by-hop in a message whose Connection header says `connection`.
bool is_hop_by_hop(std::string_view name, std::string_view connection);

// A header value with CR, LF and NUL removed (identity values come from an IdP).
std::string header_safe(std::string_view value);

}  // namespace gh::proxy
