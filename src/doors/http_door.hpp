#pragma once
// The engine of the HTTP doors: reads what the proxy sent as its door's profile says (doors/<door>/), asks the
// gate, and answers as that door's proxy expects. The doors themselves: nginx/ (auth_request, ingress-nginx),
// forward_auth/ (Traefik, Caddy), envoy_http/ (Envoy's HTTP ext_authz), listed in http_doors.cpp.
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "doors/config.hpp"
#include "doors/door_profile.hpp"
#include "gate/gate.hpp"
#include "http/original_request.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace gh::doors {

class HttpDoor {
public:
    HttpDoor(const DoorProfile& profile, const gate::Gate& gate, Config config);

    const DoorProfile& profile() const { return profile_; }
    // The path this door answers on; with path_is_prefix, the prefix of every path it answers.
    const std::string& path() const { return path_; }
    bool serves(std::string_view request_path) const;

    // Answers without suspending for a cookie session (or a cached one); waits for Redis or the IdP otherwise.
    boost::asio::awaitable<void> handle(const http::Request& req, http::Response& res) const;

private:
    // What the gate is asked about. `read`: storage for the original request, read from this door's source only
    // when the gate needs it; `client`: storage for the client's address, filled only for a request that presents
    // credentials; `certificate`: for what the proxy says about the client's certificate.
    gate::OriginalRequest original_request(const http::Request& req, const session::CookieJar& jar,
                                           http::OriginalRequest& read, std::string& client,
                                           authz::ClientCertificate& certificate) const;
    // Reads the original request from this door's source; nullptr when read, else why not.
    const char* read_original(const http::Request& req, http::OriginalRequest& read) const;
    // The original request as far as it can be told, for redirects, pages and logs (never for a decision): the
    // gate's reading, else this door's source read now, else what the request says of itself.
    struct Described {
        std::string scheme, url, host, path;
    };
    Described describe(const http::Request& req, const gate::OriginalRequest& o, http::OriginalRequest& read) const;
    // The path that waits: its own jar, reading and session, since the thread's buffers serve other requests meanwhile.
    boost::asio::awaitable<void> handle_with_store(const http::Request& req, http::Response& res) const;
    void answer(const http::Request& req, const gate::OriginalRequest& o, http::OriginalRequest& read,
                http::Response& res, const gate::Decision& d, const session::Session& session) const;
    // No session (or refused credentials): a 401 for programs and behind nginx, else a redirect to sign in.
    void answer_sign_in_required(const http::Request& req, const gate::OriginalRequest& o, http::OriginalRequest& read,
                                 http::Response& res, const gate::Decision& d) const;
    // A refusal by the rules, or of credentials. True when the answer is complete (the page that says so, logged).
    bool answer_forbidden(const http::Request& req, const gate::OriginalRequest& o, http::OriginalRequest& read,
                          http::Response& res, const gate::Decision& d, const session::Session& session) const;
    // The X-Auth-Request-* headers an allowed answer does not fill (all of them on a public route), as empty values.
    void write_blank_identity_headers(const session::Session& s, bool anonymous, http::Response& res) const;
    void write_forbidden_page(const http::Request& req, const Described& original, http::Response& res,
                              const session::Session& session, const std::vector<std::string>& set_cookies) const;
    void log_denial(const http::Request& req, const Described& original, const gate::Decision& d,
                    const session::Session& s, int status) const;

    const DoorProfile& profile_;
    const gate::Gate& gate_;
    const Config config_;
    std::string path_;
    http::OriginalSource source_;
};

}  // namespace gh::doors
