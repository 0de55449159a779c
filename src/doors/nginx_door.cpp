#include "doors/nginx_door.hpp"

#include <spdlog/spdlog.h>

#include "doors/identity_headers.hpp"
#include "http/forwarded.hpp"
#include "observe/log_text.hpp"

namespace gh::doors {

NginxDoor::NginxDoor(const gate::Gate& gate, std::shared_ptr<const options::Options> options)
    : gate_(gate), options_(std::move(options)) {}

void NginxDoor::handle(const http::Request& req, http::Response& res) const {
    // Per-thread: the jar's vector and the session's strings keep their capacity across requests.
    thread_local session::CookieJar jar;
    thread_local session::Session session;
    jar.clear();
    req.for_each("Cookie", [](std::string_view v) { jar.add_header(v); });

    gate::OriginalRequest original{.cookies = &jar, .route = gate::route_rules_from_query(req.query())};
    if (gate_.has_public_routes()) {
        const auto target = http::original_target(req, options_->reverse_proxy);
        original.method = target.method;
        original.path = target.path;
        original.host = target.host;
    }
    const gate::Decision d = gate_.decide(original, session);
    switch (d.verdict) {
        case gate::Verdict::allow:
            res.status(202);
            // A public route carries no identity: `session` may still hold another request's user.
            if (d.reason != gate::Reason::public_route) write_identity_headers(session, *options_, res);
            break;
        case gate::Verdict::sign_in_required:
            res.status(401);
            break;
        case gate::Verdict::forbidden:
            res.status(403);
            break;
    }
    res.finish();
    if (d.verdict != gate::Verdict::allow) {
        const bool known = d.verdict == gate::Verdict::forbidden;
        spdlog::info("auth: status={} reason=\"{}\" user=\"{}\" email=\"{}\" url=\"{}\"", res.status_code(),
                     gate::to_string(d.reason), known ? observe::log_text(session.user) : "",
                     known ? observe::log_text(session.email) : "", observe::log_text(req.header("X-Original-URL")));
    }
}

}  // namespace gh::doors
