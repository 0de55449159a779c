#include "doors/proxy_mode/upstream_door.hpp"

#include <spdlog/spdlog.h>

#include "doors/bearer_challenge.hpp"
#include "doors/sign_in_redirect.hpp"
#include "http/form.hpp"
#include "http/original_request.hpp"
#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "identity/identity_headers.hpp"
#include "observe/log_text.hpp"
#include "observe/logs.hpp"
#include "observe/metrics.hpp"
#include "pages/pages.hpp"
#include "proxy/upstream_head.hpp"
#include "proxy/upstream_routes.hpp"

namespace gh::doors {

UpstreamDoor::UpstreamDoor(Config config, proxy::Config proxy, const gate::Gate& gate, const login::LoginFlow& login)
    : config_(std::move(config)), proxy_config_(std::move(proxy)), gate_(gate), login_(login), proxy_(proxy_config_) {
    for (const auto& u : proxy_config_.upstreams)
        if (u.kind == proxy::Upstream::Kind::file) files_ = std::make_unique<proxy::FileUpstream>();
}

boost::asio::awaitable<void> UpstreamDoor::handle(const http::Request& req, http::Response& res) const {
    // TRACE echoes the request, cookies and all, back to whoever can read the answer (cross-site tracing); nothing
    // behind an SSO gate needs it.
    if (req.method() == "TRACE") {
        res.status(405);
        res.header("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        res.finish("Method Not Allowed\n");
        co_return;
    }
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    // Gatehouse is the proxy here: the original request is this one, its request line and Host, read by the same
    // rules as every door's (an absolute-form target's authority wins over Host, RFC 9112 §3.2.2).
    http::OriginalRequest read;
    const char* problem = http::read_original_request(req, http::OriginalSource::request_line, read);
    const std::string_view authorization = req.header("Authorization");
    const std::string client = authorization.empty() ? std::string{} : http::client_ip(req);
    const gate::OriginalRequest original{.cookies = &jar,
                                         .method = read.method,
                                         .path = read.path,
                                         .host = read.host,
                                         .unreadable = problem,
                                         .every_host_covered = true,
                                         .cookie_host = read.host,
                                         .authorization = authorization,
                                         .authorization_repeated = req.repeated("Authorization"),
                                         .client = client};
    session::Session s;
    // The gate renews a session past --cookie-refresh on the way; its cookie rides on the answer.
    const gate::Decision d = co_await gate_.decide(original, s);
    observe::count_decision(static_cast<std::size_t>(d.reason));
    const std::vector<std::string>& set_cookies = d.set_cookies;
    if (d.verdict != gate::Verdict::allow) {
        refuse(req, read, res, d);
        co_return;
    }
    const bool identified = d.reason != gate::Reason::public_route;
    if (identified) res.log_user(s.email.empty() ? s.user : s.email);
    const proxy::Upstream* to = proxy::upstream_for(proxy_config_.upstreams, req.path());
    if (proxy_config_.upstreams.empty() || (to && to->kind == proxy::Upstream::Kind::static_response)) {
        res.status(to ? to->status : 200);
        for (const auto& c : set_cookies) res.header("Set-Cookie", c);
        if (identified) identity::write_identity_headers(s, config_, res);
        res.finish("Authenticated\n");
        co_return;
    }
    if (!to || !req.exchange()) {
        res.status(404);
        res.finish("Not Found\n");
        co_return;
    }
    if (to->kind == proxy::Upstream::Kind::file) {
        co_await files_->serve(req, *to, proxy::answer_head_lines(identified ? &s : nullptr, proxy_config_, set_cookies),
                               res);
        co_return;
    }
    co_await proxy_.forward(req, *to, identified ? &s : nullptr, set_cookies, res);
}

void UpstreamDoor::refuse(const http::Request& req, const http::OriginalRequest& read, http::Response& res,
                              const gate::Decision& d) const {
    const std::vector<std::string>& set_cookies = d.set_cookies;
    const std::string id(http::request_id(req));
    if (observe::auth_logging_on()) {
        std::string line = fmt::format("proxy: refused reason=\"{}\" host=\"{}\" path=\"{}\"", gate::to_string(d.reason),
                                       observe::log_text(read.host), observe::log_text(req.path()));
        if (!d.detail.empty()) line += " detail=\"" + observe::log_text(d.detail) + "\"";
        const std::string client = http::client_ip(req);
        observe::log_auth({.status = d.verdict == gate::Verdict::unavailable ? observe::AuthStatus::error
                                                                             : observe::AuthStatus::failure,
                           .client = client,
                           .request_id = id,
                           .message = line,
                           .reason = gate::metric_name(d.reason),
                           .http_status = d.verdict == gate::Verdict::forbidden   ? 403
                                          : d.verdict == gate::Verdict::malformed ? 400
                                                                                  : 401});
    }
    // A body the refusal did not read leaves the connection unusable: the server closes it after this answer.
    switch (d.verdict) {
        case gate::Verdict::allow:
            break;
        case gate::Verdict::unavailable:
            res.status(503);
            res.finish("Service Unavailable\n");
            break;
        case gate::Verdict::malformed:
            res.status(400);
            for (const auto& c : set_cookies) res.header("Set-Cookie", c);
            res.finish("Bad Request\n");
            break;
        case gate::Verdict::forbidden:
            if (doors::is_credential_refusal(d.reason)) {
                res.status(403);
                res.header("WWW-Authenticate", doors::bearer_challenge(config_, d));
                res.finish("Forbidden\n");
                break;
            }
            pages::write_error_page(res, {.status = 403,
                                          .title = "Access denied",
                                          .message = "Your account is signed in, but it may not use this application.",
                                          .request_id = id,
                                          .set_cookies = set_cookies});
            break;
        case gate::Verdict::sign_in_required:
            if (doors::is_credential_refusal(d.reason) ||
                doors::wants_api_answer(req.header("Accept"), req.header("X-Requested-With")) ||
                gate_.is_api_route(req.path())) {
                res.status(401);
                if (const auto challenge = doors::bearer_challenge(config_, d); !challenge.empty())
                    res.header("WWW-Authenticate", challenge);
                res.finish("Unauthorized\n");
                break;
            }
            // Back to this very page after signing in: its path and query on this host.
            login_.sign_in_page(req, res, std::string(req.target()), 403);
            break;
    }
}

}  // namespace gh::doors
