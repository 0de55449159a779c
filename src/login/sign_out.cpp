#include "login/sign_out.hpp"

#include "http/form.hpp"
#include "http/forwarded.hpp"
#include "login/cookie_attributes.hpp"
#include "login/redirect_target.hpp"

namespace gh::login {

boost::asio::awaitable<void> handle_sign_out(const Config& o, const session::SessionStore& store,
                                             const authz::RedirectValidator& redirects,
                                             const oidc::Provider& provider, const Clock& clock,
                                             const http::Request& req, http::Response& res) {
    session::CookieJar jar;
    req.for_each("Cookie", [&](std::string_view v) { jar.add_header(v); });
    const auto origin = http::original_url(req, req.via_trusted_proxy());
    // Without an rd the browser ends on the signed-out page (register <auth host><prefix>/signed_out as a
    // post-logout redirect URI at the IdP).
    const std::string requested = requested_redirect(req, req.via_trusted_proxy());
    const std::string rd = requested.empty() ? o.proxy_prefix + "/signed_out" : redirects.sanitize(requested);

    std::string location = rd;
    const auto endpoints = provider.endpoints();
    if (endpoints && !endpoints->end_session.empty()) {
        // The IdP ends its own session too, then returns the browser to `rd` (made absolute for it).
        session::Session s;
        auto loaded = store.load_now(jar, clock.now(), s);
        if (!loaded) loaded = co_await store.load(jar, clock.now(), s);
        const bool have_session = *loaded == session::LoadResult::ok;
        std::vector<std::pair<std::string, std::string>> q{
            {"client_id", o.client_id},
            {"post_logout_redirect_uri", rd.starts_with('/') ? origin.scheme + "://" + origin.host + rd : rd}};
        if (have_session && !s.id_token.empty()) q.emplace_back("id_token_hint", s.id_token);
        const char sep = endpoints->end_session.find('?') == std::string::npos ? '?' : '&';
        location = endpoints->end_session + sep + http::form_encode(q);
    }
    auto attrs = session_cookie_attributes(o, origin.host);
    res.status(302);
    res.header("Location", location);
    res.header("Cache-Control", "no-store");
    const auto clearing = co_await store.destroy(jar, attrs);
    for (const auto& c : clearing) res.header("Set-Cookie", c);
    res.finish();
}

}  // namespace gh::login
