#include "app/router.hpp"

#include "login/sign_out.hpp"
#include "login/userinfo.hpp"

namespace gh::app {

Router::Router(std::shared_ptr<const options::Options> options, const session::CookieSessionStore& store,
               const gate::Gate& gate, const oidc::Provider& provider, const Clock& clock)
    : options_(std::move(options)),
      store_(store),
      gate_(gate),
      provider_(provider),
      clock_(clock),
      redirects_(options_->whitelist_domains),
      refresher_(options_, store, provider, clock),
      nginx_(gate, options_, options_->cookie_refresh.count() > 0 ? &refresher_ : nullptr),
      login_(options_, store, provider, redirects_, gate, clock),
      auth_path_(options_->proxy_prefix + "/auth"),
      userinfo_path_(options_->proxy_prefix + "/userinfo"),
      sign_out_path_(options_->proxy_prefix + "/sign_out"),
      start_path_(options_->proxy_prefix + "/start"),
      sign_in_path_(options_->proxy_prefix + "/sign_in"),
      callback_path_(options_->proxy_prefix + "/callback") {}

boost::asio::awaitable<void> Router::handle(const http::Request& req, http::Response& res) const {
    if (req.path() == auth_path_) {
        co_await nginx_.handle(req, res);
        co_return;
    }
    if (req.path() == callback_path_) {
        co_await login_.callback(req, res);
        co_return;
    }
    handle_now(req, res);
}

void Router::handle_now(const http::Request& req, http::Response& res) const {
    const std::string_view path = req.path();
    if (path == options_->ping_path) {
        res.status(200);
        return res.finish("OK");
    }
    if (path == options_->ready_path) {
        // Ready once the IdP is discovered and its keys loaded: until then no login can complete.
        res.status(provider_.ready() ? 200 : 503);
        return res.finish(provider_.ready() ? "OK" : "waiting for the identity provider\n");
    }
    if (path == userinfo_path_) return login::handle_userinfo(gate_, req, res);
    if (path == sign_out_path_)
        return login::handle_sign_out(*options_, store_, redirects_, provider_, clock_, req, res);
    if (path == start_path_) return login_.start(req, res);
    if (path == sign_in_path_) return login_.sign_in(req, res);
    if (path.starts_with(options_->proxy_prefix + "/")) {
        res.status(404);
        return res.finish("Not Found\n");
    }
    // Anything else goes to the static upstream, for signed-in users only (oauth2-proxy's --upstream=static://).
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    session::Session s;
    const auto d = gate_.decide({.cookies = &jar, .method = req.method(), .path = req.path()}, s);
    if (d.verdict == gate::Verdict::allow) {
        res.status(options_->static_upstream_status);
        return res.finish("Authenticated\n");
    }
    res.status(d.verdict == gate::Verdict::forbidden ? 403 : 401);
    res.finish(d.verdict == gate::Verdict::forbidden ? "Forbidden\n" : "Unauthorized\n");
}

}  // namespace gh::app
