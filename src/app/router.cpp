#include "app/router.hpp"

#include <algorithm>
#include <chrono>

#include "doors/http_doors.hpp"
#include "login/backchannel_logout.hpp"
#include "options/component_configs.hpp"
#include "login/sign_out.hpp"
#include "login/userinfo.hpp"
#include "http/forwarded.hpp"
#include "http/proxy_trust.hpp"
#include "http/request_id.hpp"
#include "observe/logs.hpp"
#include "pages/pages.hpp"

namespace gh::app {

Router::Router(std::shared_ptr<const options::Options> options, const session::SessionStore& store,
               const gate::Gate& gate, const oidc::Provider& provider, const Clock& clock,
               std::function<bool()> store_ready)
    : options_(std::move(options)),
      store_(store),
      gate_(gate),
      provider_(provider),
      clock_(clock),
      store_ready_(std::move(store_ready)),
      redirects_(options_->whitelist_domains),
      login_(options::login_config(*options_), store, provider, redirects_, gate, clock),
      upstream_(options::doors_config(*options_), options::proxy_config(*options_), gate, login_),
      userinfo_path_(options_->proxy_prefix + "/userinfo"),
      sign_out_path_(options_->proxy_prefix + "/sign_out"),
      start_path_(options_->proxy_prefix + "/start"),
      sign_in_path_(options_->proxy_prefix + "/sign_in"),
      callback_path_(options_->proxy_prefix + "/callback"),
      backchannel_logout_path_(options_->proxy_prefix + "/backchannel_logout"),
      signed_out_path_(options_->proxy_prefix + "/signed_out") {
    const auto config = options::doors_config(*options_);
    doors_.reserve(doors::http_doors().size());
    for (const auto* profile : doors::http_doors())
        doors_.push_back({doors::HttpDoor(*profile, gate, config), observe::door_endpoint(profile->name)});
}

const Router::Door* Router::door_for(std::string_view path) const {
    for (const auto& d : doors_)
        if (d.door.serves(path)) return &d;
    return nullptr;
}

observe::Endpoint Router::endpoint_of(std::string_view path) const {
    using E = observe::Endpoint;
    if (path == callback_path_) return E::callback;
    if (path == userinfo_path_) return E::userinfo;
    if (path == sign_out_path_) return E::sign_out;
    if (path == backchannel_logout_path_) return E::backchannel_logout;
    if (path == start_path_) return E::start;
    if (path == sign_in_path_) return E::sign_in;
    if (path == options_->ping_path) return E::ping;
    if (path == options_->ready_path) return E::ready;
    if (!path.starts_with(options_->proxy_prefix + "/")) return E::upstream;
    return E::other;
}

boost::asio::awaitable<void> Router::handle(const http::Request& req, http::Response& res) const {
    const auto started = std::chrono::steady_clock::now();
    // --ping-user-agent names a health checker, not a path: a request with it is answered as a ping only on
    // --ping-path, never instead of a decision (oauth2-proxy CVE-2026-34457: that User-Agent passed any path).
    const Door* door = door_for(req.path());
    const observe::Endpoint endpoint = door ? door->endpoint : endpoint_of(req.path());
    const auto https =
        options_->force_https ? http::https_redirect(req, req.via_trusted_proxy(), https_port()) : std::nullopt;
    if (https) {
        // --force-https, as oauth2-proxy's: every request that came over plain HTTP goes to the same URL over HTTPS.
        res.status(308);
        res.header("Location", *https);
        res.finish();
    } else if (door) {
        co_await door->door.handle(req, res);
    } else {
        switch (endpoint) {
            case observe::Endpoint::callback: co_await login_.callback(req, res); break;
            case observe::Endpoint::sign_in:
                if (req.method() == "POST") co_await login_.sign_in_with_password(req, res);
                else co_await login_.sign_in(req, res);
                break;
            case observe::Endpoint::userinfo: co_await login::handle_userinfo(gate_, req, res); break;
            case observe::Endpoint::sign_out:
                co_await login::handle_sign_out(login_.config(), store_, redirects_, provider_, clock_, req, res);
                break;
            case observe::Endpoint::backchannel_logout:
                co_await login::handle_backchannel_logout(provider_, store_, req, res);
                break;
            case observe::Endpoint::upstream: co_await upstream_.handle(req, res); break;
            case observe::Endpoint::ping:
                res.status(200);
                res.finish("OK");
                break;
            default: handle_now(req, res); break;
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    observe::count_request(endpoint, res.status_code(), elapsed);
    if (observe::request_logging_on() && wants_request_line(req, endpoint)) log_request(req, res, endpoint, elapsed);
}

std::uint16_t Router::https_port() const {
    return options_->https_address ? options_->https_address->port : std::uint16_t{443};
}

bool Router::wants_request_line(const http::Request& req, observe::Endpoint endpoint) const {
    if (options_->silence_ping_logging && (endpoint == observe::Endpoint::ping || endpoint == observe::Endpoint::ready))
        return false;
    const auto& excluded = options_->exclude_logging_paths;
    return std::find(excluded.begin(), excluded.end(), req.path()) == excluded.end();
}

void Router::log_request(const http::Request& req, const http::Response& res, observe::Endpoint endpoint,
                         std::chrono::nanoseconds elapsed) const {
    // The callback's query holds the authorization code: a credential until redeemed, so never logged.
    const std::string_view uri = endpoint == observe::Endpoint::callback && !req.query().empty()
                                     ? std::string_view("<callback, query withheld>")
                                     : req.target();
    const std::string client = http::client_ip(req);
    observe::log_request({.client = client,
                          .request_id = http::request_id(req),
                          .user = res.log_user(),
                          .host = req.header("Host"),
                          .method = req.method(),
                          .uri = uri,
                          .protocol = req.protocol(),
                          .user_agent = req.header("User-Agent"),
                          .status = res.status_code(),
                          .response_size = res.body_size(),
                          .duration = elapsed});
}

void Router::handle_now(const http::Request& req, http::Response& res) const {
    const std::string_view path = req.path();
    if (path == options_->ready_path) {
        // Ready once the IdP is discovered and its keys loaded (until then no login can complete) and the
        // session store answers.
        const bool idp = provider_.ready();
        const bool store = !store_ready_ || store_ready_();
        res.status(idp && store ? 200 : 503);
        if (idp && store) return res.finish("OK");
        return res.finish(std::string(idp ? "" : "waiting for the identity provider\n") +
                          (store ? "" : "waiting for the session store\n"));
    }
    if (path == start_path_) return login_.start(req, res);
    if (path == signed_out_path_) return pages::write_signed_out_page(res, start_path_ + "?rd=%2F");
    // The stylesheets oauth2-proxy's templates link, as <proxy-prefix>/static/css/….
    if (const std::string_view prefix = options_->proxy_prefix;
        path.starts_with(prefix) && path.substr(prefix.size()).starts_with("/static/"))
        return pages::write_static_asset(res, path.substr(prefix.size() + 8));
    res.status(404);
    res.finish("Not Found\n");
}

}  // namespace gh::app
