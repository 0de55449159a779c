#pragma once
// The one decision engine behind every door: who is this, and may they pass?
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>

#include "authz/email_list.hpp"
#include "authz/policy.hpp"
#include "authz/skip_routes.hpp"
#include "gate/credentials.hpp"
#include "gate/decision.hpp"
#include "gate/route_rules.hpp"
#include "gate/session_renewal.hpp"
#include "gate/config.hpp"
#include "clock/clock.hpp"
#include "session/session_store.hpp"

namespace gh::gate {

// What a door knows about the request it was asked about.
struct OriginalRequest {
    const session::CookieJar* cookies = nullptr;
    RouteRules route;  // per-app rules of this request
    // The request the proxy asked about, as the door read it (http/original_request.hpp): the method, the raw
    // path and the canonical host. Doors read it when Gate::needs_original_request(); when they could not,
    // `unreadable` says why and the request is refused before any rule (`untrusted`: the headers came from a
    // peer that is not a trusted proxy).
    std::string_view method;
    std::string_view path;
    std::string_view host;
    const char* unreadable = nullptr;
    bool untrusted = false;
    // Reverse-proxy mode: upstreams are chosen by path alone, so with a policy file a host it names no rule for
    // is refused instead of being left to the global rules.
    bool every_host_covered = false;
    // Gatehouse's own endpoint (/oauth2/userinfo): no original request and no path rule, the session alone.
    bool own_endpoint = false;
    // The host whose cookie domain a renewed session's cookie is set for (the original host; set by the door on
    // the path that waits, where a renewal can happen).
    std::string_view cookie_host;
    // The Authorization header's value: a bearer token (--skip-jwt-bearer-tokens) or a user and password
    // (--htpasswd-file) there authenticates the request.
    std::string_view authorization;
    // The request carried Authorization more than once: which one counts would depend on the reader, so
    // credentials in it are refused.
    bool authorization_repeated = false;
    std::string_view client;  // the client's address, for limits on failed password attempts
    // What the proxy said about the client's certificate (--client-certificate-headers); null when off.
    const authz::ClientCertificate* certificate = nullptr;
};

// Who checks credentials in the Authorization header; nullptr for a kind that is off.
struct CredentialVerifiers {
    const CredentialVerifier* bearer = nullptr;  // --skip-jwt-bearer-tokens
    const CredentialVerifier* basic = nullptr;   // --htpasswd-file
    const PasswordVerifier* passwords = nullptr;  // --htpasswd-file: the sign-in form, and its sessions' users
};

class Gate {
public:
    // `emails`: the --authenticated-emails-file list, `policy`: the --policy-file; nullptr when not configured.
    Gate(Config config, const session::SessionStore& sessions, const Clock& clock,
         const authz::WatchedEmailList* emails = nullptr, const authz::WatchedFile<authz::Policy>* policy = nullptr,
         CredentialVerifiers credentials = {}, const SessionRenewal* renewal = nullptr);

    // True when a rule depends on the original request (skip routes, --skip-auth-preflight, --api-route, the
    // policy file): doors must then read it, and a request they cannot read is refused.
    bool needs_original_request() const { return !skip_routes_.empty() || !api_routes_.empty() || policy_; }
    // --api-route: a request to `path` that must sign in gets 401 (a program's answer), never a redirect.
    bool is_api_route(std::string_view path) const { return !api_routes_.empty() && api_routes_.matches("GET", path); }
    bool has_api_routes() const { return !api_routes_.empty(); }

    // Decides without suspending when the request alone tells (cookie sessions, cached Redis sessions,
    // public routes, bad tickets): the hot path, with no allocation once `session`'s buffers have grown.
    // nullopt: the session must come from the store, or be renewed first; call decide().
    std::optional<Decision> decide_now(const OriginalRequest& request, session::Session& session) const;
    // Decides, asking the session store when needed and renewing a session past --cookie-refresh (the Decision
    // then carries the Set-Cookie values). `request`'s views must stay valid until it returns.
    boost::asio::awaitable<Decision> decide(const OriginalRequest& request, session::Session& session) const;

    // The global rules (--email-domain or --authenticated-emails-file, --allowed-group), also applied at login.
    Reason check_identity(std::string_view email, const std::vector<std::string>& groups) const;

    const session::SessionStore& sessions() const { return sessions_; }
    // The --htpasswd-file users, for the sign-in page's password form; nullptr without the file.
    const PasswordVerifier* passwords() const { return credentials_.passwords; }

private:
    // Which path rules one reading of the path leads to.
    struct RouteOutcome {
        bool is_public = false;  // a skip route (or the preflight rule)
        authz::PolicyMatch match;
    };
    RouteOutcome route_of(const OriginalRequest& request, std::string_view method, std::string_view normal,
                          bool fold_case) const;
    // Whether letter case can change which rule a path leads to (an upper-case letter in it, in a rule's path or in
    // a skip-route pattern): only then is the case-folded reading compared, so a lower-case path costs one match.
    bool case_may_decide(std::string_view normal) const;
    // A decision when the request is refused as unreadable, or public; otherwise fills `match` (the policy rule).
    std::optional<Decision> before_session(const OriginalRequest& request, authz::PolicyMatch& match) const;
    // Renews `session` at the IdP; a Decision when the renewal ended it, nullopt to decide on what it now holds
    // (renewed, or unchanged when the IdP could not be reached). `set_cookies` receives the new cookie.
    boost::asio::awaitable<std::optional<Decision>> renew(const OriginalRequest& request, session::Session& session,
                                                         std::vector<std::string>& set_cookies) const;
    // Loads the cookie session into `session` (waiting for the store when it must) and renews it when due; a
    // Decision when the renewal ended it.
    boost::asio::awaitable<std::optional<Decision>> load_renewed(const OriginalRequest& request, session::Session& session,
                                                                session::LoadResult& loaded,
                                                                std::vector<std::string>& set_cookies) const;
    // Whether a session loaded from the cookie must be renewed before the decision.
    bool renewal_due(session::LoadResult loaded, const session::Session& s) const {
        return renewal_ && loaded == session::LoadResult::ok && renewal_->due(s);
    }
    // `listed`: the user is named in --htpasswd-file, which is itself the operator's list of who may sign in, so
    // the e-mail rules (--email-domain, --authenticated-emails-file) do not apply; groups, routes and policy do.
    Decision with_session(const OriginalRequest& request, const authz::PolicyMatch& match, session::LoadResult loaded,
                          const session::Session& session, bool listed = false) const;
    // The credentials a request presents that a verifier of ours checks; `verifier` is null when none.
    struct Presented {
        const CredentialVerifier* verifier = nullptr;
        std::string_view header_part;  // the credential as the header holds it
        bool bearer = false;
        std::string decoded;  // a bearer token taken out of `Authorization: Basic`, when it was there
        bool from_basic = false;
        std::string_view value() const { return from_basic ? std::string_view(decoded) : header_part; }
    };
    Presented presented(const OriginalRequest& request) const;
    // Credentials in more than one Authorization header are refused (ambiguous means deny).
    std::optional<Decision> repeated_credentials(const OriginalRequest& request) const;
    // Whether the session cookie may decide when the presented credentials fail (--bearer-token-login-fallback).
    bool falls_back(const Presented& p) const { return p.bearer && config_.bearer_token_login_fallback; }
    // After credentials were checked: allowed or refused by them, unless they failed and the session cookie may
    // decide instead (`loaded`: that cookie's session).
    Decision with_credentials(const OriginalRequest& request, const authz::PolicyMatch& match, const Presented& p,
                              const CredentialCheck& checked, std::optional<session::LoadResult> loaded,
                              const session::Session& session) const;

    // A verified client certificate that the policy file maps to a user decides, as that user (filled into
    // `session`). Otherwise nullopt, and `note` says why a presented certificate did not count (for the log).
    std::optional<Decision> with_certificate(const OriginalRequest& request, const authz::PolicyMatch& match,
                                             session::Session& session, std::string& note) const;

    const Config config_;
    const session::SessionStore& sessions_;
    const Clock& clock_;
    const authz::WatchedEmailList* emails_;
    const authz::WatchedFile<authz::Policy>* policy_;
    authz::SkipRoutes skip_routes_;
    authz::SkipRoutes api_routes_;  // the same kind of path rules: --api-route
    CredentialVerifiers credentials_;
    const SessionRenewal* renewal_;
};

}  // namespace gh::gate
