#include "doors/nginx_door.hpp"

#include <spdlog/spdlog.h>

#include "doors/identity_headers.hpp"
#include "http/forwarded.hpp"
#include "observe/log_text.hpp"

namespace gh::doors {

NginxDoor::NginxDoor(const gate::Gate& gate, std::shared_ptr<const options::Options> options,
                     const login::SessionRefresher* refresher)
    : gate_(gate), options_(std::move(options)), refresher_(refresher) {}

gate::OriginalRequest NginxDoor::original_request(const http::Request& req, const session::CookieJar& jar) const {
    gate::OriginalRequest original{.cookies = &jar, .route = gate::route_rules_from_query(req.query())};
    if (gate_.has_public_routes()) {
        const auto target = http::original_target(req, options_->reverse_proxy);
        original.method = target.method;
        original.path = target.path;
        original.host = target.host;
    }
    return original;
}

boost::asio::awaitable<void> NginxDoor::handle(const http::Request& req, http::Response& res) const {
    // Per-thread: the jar's vector and the session's strings keep their capacity across requests.
    thread_local session::CookieJar jar;
    thread_local session::Session session;
    jar.clear();
    req.for_each("Cookie", [](std::string_view v) { jar.add_header(v); });

    const auto d = gate_.decide_now(original_request(req, jar), session);
    if (!d) {
        co_await handle_with_store(req, res);
        co_return;
    }
    if (d->verdict == gate::Verdict::allow && d->reason != gate::Reason::public_route && refresher_ &&
        refresher_->due(session)) {
        // Copies: the thread-local buffers belong to whichever request runs next while this one waits.
        co_await allow_after_refresh(req, res, session, jar);
        co_return;
    }
    answer(req, res, *d, session);
}

boost::asio::awaitable<void> NginxDoor::handle_with_store(const http::Request& req, http::Response& res) const {
    session::CookieJar jar;
    req.for_each("Cookie", [&jar](std::string_view v) { jar.add_header(v); });
    session::Session session;
    const gate::OriginalRequest original = original_request(req, jar);
    const gate::Decision d = co_await gate_.decide(original, session);
    if (d.verdict == gate::Verdict::allow && d.reason != gate::Reason::public_route && refresher_ &&
        refresher_->due(session)) {
        co_await allow_after_refresh(req, res, std::move(session), std::move(jar));
        co_return;
    }
    answer(req, res, d, session);
}

void NginxDoor::answer(const http::Request& req, http::Response& res, const gate::Decision& d,
                       const session::Session& session) const {
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
        case gate::Verdict::unavailable:
            // Fail closed: nginx turns any status but 2xx/401/403 from the auth request into a 500.
            res.status(503);
            break;
    }
    res.finish();
    if (d.verdict != gate::Verdict::allow) log_denial(req, d, session, res.status_code());
}

boost::asio::awaitable<void> NginxDoor::allow_after_refresh(const http::Request& req, http::Response& res,
                                                            session::Session session, session::CookieJar jar) const {
    std::vector<std::string> set_cookies;
    const auto host = http::original_url(req, options_->reverse_proxy).host;
    const auto outcome = co_await refresher_->refresh(session, jar, host, set_cookies);
    if (outcome == login::RefreshOutcome::refused) {
        res.status(401);
        for (const auto& c : set_cookies) res.header("Set-Cookie", c);
        res.finish();
        co_return;
    }
    // The renewed identity must still pass the global and per-app rules.
    gate::Reason why = gate_.check_identity(session.email, session.groups);
    if (why == gate::Reason::allowed) why = gate::check_route_rules(gate::route_rules_from_query(req.query()), session);
    if (why != gate::Reason::allowed) {
        res.status(403);
        for (const auto& c : set_cookies) res.header("Set-Cookie", c);
        res.finish();
        log_denial(req, {gate::Verdict::forbidden, why}, session, 403);
        co_return;
    }
    res.status(202);
    write_identity_headers(session, *options_, res);
    // nginx's auth_request_set sees only the first Set-Cookie: a refreshed session that needs chunks should
    // live in Redis (--session-store-type=redis); the chunks are still all sent for proxies that forward them all.
    for (const auto& c : set_cookies) res.header("Set-Cookie", c);
    res.finish();
}

void NginxDoor::log_denial(const http::Request& req, const gate::Decision& d, const session::Session& s,
                           int status) const {
    const bool known = d.verdict == gate::Verdict::forbidden;
    spdlog::info("auth: status={} reason=\"{}\" user=\"{}\" email=\"{}\" url=\"{}\"", status, gate::to_string(d.reason),
                 known ? observe::log_text(s.user) : "", known ? observe::log_text(s.email) : "",
                 observe::log_text(req.header("X-Original-URL")));
}

}  // namespace gh::doors
