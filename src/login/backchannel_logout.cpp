#include "login/backchannel_logout.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "observe/log_text.hpp"

namespace gh::login {
namespace {

// §2.8: an error answers 400, optionally with an OAuth-style JSON error; never cached.
void refuse(http::Response& res, int status, std::string_view error, std::string_view description,
            std::string_view allow = {}) {
    res.status(status);
    if (!allow.empty()) res.header("Allow", allow);
    res.header("Cache-Control", "no-store");
    const nlohmann::json body = {{"error", error}, {"error_description", description}};
    res.finish(body.dump() + "\n", "application/json");
}

}  // namespace

boost::asio::awaitable<void> handle_backchannel_logout(const oidc::Provider& provider,
                                                       const session::SessionStore& store, const http::Request& req,
                                                       http::Response& res) {
    if (req.method() != "POST") {
        refuse(res, 405, "invalid_request", "use POST", "POST");
        co_return;
    }
    const std::string_view type = req.header("Content-Type");
    if (!type.starts_with("application/x-www-form-urlencoded")) {
        spdlog::info("backchannel logout: refused: content type \"{}\"", observe::log_text(type));
        refuse(res, 400, "invalid_request", "expected an application/x-www-form-urlencoded body");
        co_return;
    }
    const auto token = http::query_param(req.body(), "logout_token");
    if (!token || token->empty()) {
        spdlog::info("backchannel logout: refused: no logout_token");
        refuse(res, 400, "invalid_request", "no logout_token");
        co_return;
    }
    const auto checked = co_await provider.verify_logout_token(*token);
    if (!checked.ok()) {
        spdlog::warn("backchannel logout: refused a logout token: {}", observe::log_text(checked.error));
        refuse(res, 400, "invalid_request", "the logout token is not valid");
        co_return;
    }
    const auto revoked = co_await store.revoke(checked.sub, checked.sid);
    if (!revoked.supported) {
        // Cookie sessions live in browsers: there is nothing here to end. Say so rather than pretend.
        spdlog::warn("backchannel logout: sessions of sub \"{}\" sid \"{}\" cannot be ended with cookie sessions "
                     "(use --session-store-type=redis)",
                     observe::log_text(checked.sub), observe::log_text(checked.sid));
        refuse(res, 501, "unsupported", "sessions are kept in cookies; back-channel logout needs the Redis store");
        co_return;
    }
    if (!revoked.error.empty()) {
        spdlog::error("backchannel logout: session store: {}", revoked.error);
        refuse(res, 503, "temporarily_unavailable", "the session store cannot be reached");
        co_return;
    }
    spdlog::info("backchannel logout: ended {} session(s) of sub \"{}\" sid \"{}\"", revoked.ended,
                 observe::log_text(checked.sub), observe::log_text(checked.sid));
    res.status(200);
    res.header("Cache-Control", "no-store");
    res.finish();
}

}  // namespace gh::login
