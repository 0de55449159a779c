#pragma once
// The one decision engine behind every door: who is this, and may they pass?
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>

#include "authz/email_list.hpp"
#include "authz/policy.hpp"
#include "authz/skip_routes.hpp"
#include "gate/bearer.hpp"
#include "gate/decision.hpp"
#include "gate/route_rules.hpp"
#include "options/options.hpp"
#include "session/clock.hpp"
#include "session/session_store.hpp"

namespace gh::gate {

// What a door knows about the request it was asked about.
struct OriginalRequest {
    const session::CookieJar* cookies = nullptr;
    RouteRules route;  // per-app rules of this request
    // The request the proxy asked about, when known (for public routes and the policy); empty when unknown.
    std::string_view method;
    std::string_view path;
    std::string_view host;
    // The Authorization header's value: a bearer token there authenticates the request (--skip-jwt-bearer-tokens).
    std::string_view authorization;
};

class Gate {
public:
    // `emails`: the --authenticated-emails-file list, `policy`: the --policy-file; nullptr when not configured.
    // `bearer`: verifies bearer tokens (--skip-jwt-bearer-tokens); nullptr when off.
    Gate(std::shared_ptr<const options::Options> options, const session::SessionStore& sessions, const Clock& clock,
         const authz::WatchedEmailList* emails = nullptr, const authz::WatchedFile<authz::Policy>* policy = nullptr,
         const BearerVerifier* bearer = nullptr);

    // True when public routes are configured, i.e. doors should work out the original method and path.
    bool has_public_routes() const { return !skip_routes_.empty() || policy_; }

    // Decides without suspending when the request alone tells (cookie sessions, cached Redis sessions,
    // public routes, bad tickets): the hot path, with no allocation once `session`'s buffers have grown.
    // nullopt: the session must come from the store; call decide().
    std::optional<Decision> decide_now(const OriginalRequest& request, session::Session& session) const;
    // Decides, asking the session store when needed. `request`'s views must stay valid until it returns.
    boost::asio::awaitable<Decision> decide(const OriginalRequest& request, session::Session& session) const;

    // The global rules (--email-domain or --authenticated-emails-file, --allowed-group), also applied at login.
    Reason check_identity(std::string_view email, const std::vector<std::string>& groups) const;

    const session::SessionStore& sessions() const { return sessions_; }

private:
    // A decision when the request is public (or the policy refuses its path outright); otherwise fills `match`.
    std::optional<Decision> before_session(const OriginalRequest& request, authz::PolicyMatch& match) const;
    Decision with_session(const OriginalRequest& request, const authz::PolicyMatch& match, session::LoadResult loaded,
                          const session::Session& session) const;
    // The token of a request that carries one and may be authenticated by it; empty otherwise.
    std::string_view bearer_token(const OriginalRequest& request) const;
    // After a bearer token was checked: allowed or refused by it, unless it failed and
    // --bearer-token-login-fallback lets the session cookie decide (`loaded`: that cookie's session).
    Decision with_bearer(const OriginalRequest& request, const authz::PolicyMatch& match, const BearerCheck& checked,
                         std::optional<session::LoadResult> loaded, const session::Session& session) const;

    std::shared_ptr<const options::Options> options_;
    const session::SessionStore& sessions_;
    const Clock& clock_;
    const authz::WatchedEmailList* emails_;
    const authz::WatchedFile<authz::Policy>* policy_;
    authz::SkipRoutes skip_routes_;
    const BearerVerifier* bearer_;
};

}  // namespace gh::gate
