#include "gate/gate.hpp"

#include <algorithm>

#include "authz/path_normalize.hpp"
#include "gate/rules.hpp"

namespace gh::gate {

Gate::Gate(Config config, const session::SessionStore& sessions, const Clock& clock,
           const authz::WatchedEmailList* emails, const authz::WatchedFile<authz::Policy>* policy,
           CredentialVerifiers credentials, const SessionRenewal* renewal)
    : config_(std::move(config)),
      sessions_(sessions),
      clock_(clock),
      emails_(emails),
      policy_(policy),
      // The options compiled these routes once already: a failure here is a bug (std::logic_error), not a setting.
      skip_routes_(authz::SkipRoutes::compile(config_.skip_auth_routes, config_.skip_auth_preflight).value()),
      api_routes_(authz::SkipRoutes::compile(config_.api_routes, false).value()),
      credentials_(credentials),
      renewal_(renewal) {}

Reason Gate::check_identity(std::string_view email, const std::vector<std::string>& groups) const {
    // oauth2-proxy's rule: a domain match or a listed address lets a user in.
    if (!email_domain_allowed(email, config_.email_domains)) {
        if (!emails_) return Reason::email_domain_not_allowed;
        if (!emails_->current_for_this_thread().contains(email)) return Reason::email_not_in_authenticated_emails;
    }
    if (!group_allowed(groups, config_.allowed_groups)) return Reason::group_not_allowed;
    return Reason::allowed;
}

namespace {

// Path parameters or empty segments: what servlet containers and other servers read differently.
bool reads_differently_by_server(std::string_view path) {
    return path.find(';') != std::string_view::npos || path.find("//") != std::string_view::npos ||
           path.find("%3B") != std::string_view::npos || path.find("%3b") != std::string_view::npos;
}

// The method as apps route it: methods are case-sensitive tokens, but frameworks upper-case them (Werkzeug runs
// "get" as GET), and a HEAD runs the GET handler. So rules match the upper-cased method, HEAD as GET.
std::string_view routed_method(std::string_view method) {
    thread_local std::string upper;
    upper.assign(method);
    for (auto& c : upper) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    return upper == "HEAD" ? std::string_view("GET") : std::string_view(upper);
}

}  // namespace

bool Gate::case_may_decide(std::string_view normal) const {
    const bool upper = std::any_of(normal.begin(), normal.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (upper || skip_routes_.has_upper_case_patterns()) return true;
    return policy_ && policy_->current_for_this_thread().has_upper_case_paths();
}

Gate::RouteOutcome Gate::route_of(const OriginalRequest& request, std::string_view method, std::string_view normal,
                                  bool fold_case) const {
    RouteOutcome out;
    out.is_public = skip_routes_.matches_normalised(method, normal, fold_case);
    if (policy_) {
        // This thread's snapshot stays alive until its next call here, so the matched rule cannot vanish
        // under a reload while it is used (decide() matches again after waiting).
        out.match = policy_->current_for_this_thread().match(request.host, normal, method, fold_case);
        if (out.match.verdict == authz::PolicyVerdict::not_covered && request.every_host_covered)
            out.match.verdict = authz::PolicyVerdict::denied;
    }
    return out;
}

std::optional<Decision> Gate::before_session(const OriginalRequest& request, authz::PolicyMatch& match) const {
    if (!needs_original_request() || request.own_endpoint) return std::nullopt;
    // Ambiguous means deny: a request the door could not read one way only never reaches a rule.
    if (request.unreadable)
        return Decision{Verdict::malformed,
                        request.untrusted ? Reason::original_request_untrusted : Reason::original_request_unclear,
                        request.unreadable};
    // Every path rule sees the path as the app will: normalised once, here (authz/path_normalize.hpp).
    thread_local std::string normal, other;
    if (!authz::normalize_path_into(request.path, normal, authz::PathReading::servlet))
        return Decision{Verdict::malformed, Reason::original_request_unclear,
                        "the path cannot be read one way only (a dot segment; an encoded '/', '\\', '?' or '#'; a "
                        "control byte or a bad escape)"};
    const std::string_view method = routed_method(request.method);
    const RouteOutcome outcome = route_of(request, method, normal, false);
    // Where servers read the path differently, every reading must lead to the same rule; otherwise the app may
    // serve what another reading protects. ";params" and "//": "/public;x/y" is /public/y to Tomcat, a path under
    // "/public;x" to the rest. Letter case: Express, ASP.NET and IIS serve "/ADMIN" as "/admin".
    const auto same = [&](const RouteOutcome& o) {
        return o.is_public == outcome.is_public && o.match.verdict == outcome.match.verdict && o.match.rule == outcome.match.rule;
    };
    if (reads_differently_by_server(request.path) &&
        !(authz::normalize_path_into(request.path, other, authz::PathReading::literal) &&
          same(route_of(request, method, other, false))))
        return Decision{Verdict::malformed, Reason::original_request_unclear,
                        "the path leads to different rules as different servers read it (path parameters or '//')"};
    if (case_may_decide(normal) && !same(route_of(request, method, normal, true)))
        return Decision{Verdict::malformed, Reason::original_request_unclear,
                        "the path leads to different rules as servers that ignore letter case read it"};
    // A public route passes without a session, and without identity: nothing is loaded for it.
    if (outcome.is_public) return Decision{Verdict::allow, Reason::public_route};
    match = outcome.match;
    if (match.verdict == authz::PolicyVerdict::public_access) return Decision{Verdict::allow, Reason::public_route};
    return std::nullopt;
}

Decision Gate::with_session(const OriginalRequest& request, const authz::PolicyMatch& match,
                            session::LoadResult loaded, const session::Session& session, bool listed) const {
    using session::LoadResult;
    switch (loaded) {
        case LoadResult::ok: break;
        case LoadResult::absent: return {Verdict::sign_in_required, Reason::no_session};
        case LoadResult::malformed: return {Verdict::sign_in_required, Reason::malformed_cookie};
        case LoadResult::tampered: return {Verdict::sign_in_required, Reason::tampered_cookie};
        case LoadResult::expired: return {Verdict::sign_in_required, Reason::session_expired};
        case LoadResult::not_found: return {Verdict::sign_in_required, Reason::session_not_found};
        case LoadResult::unavailable: return {Verdict::unavailable, Reason::session_store_unavailable};
    }
    // A session made by the password form stands as long as its user is in --htpasswd-file; the file, like the
    // Authorization: Basic users', is the operator's list, so the e-mail rules do not apply.
    if (session.from_htpasswd) {
        if (!credentials_.passwords || !credentials_.passwords->lists(session.user))
            return {Verdict::sign_in_required, Reason::session_not_found,
                    "signed in with a password, but '" + session.user + "' is no longer in --htpasswd-file"};
        listed = true;
    }
    // Signed in but refused is 403, never 401: a 401 would send the user through sign-in again and,
    // with single sign-on, straight back here in a loop.
    if (listed) {
        if (!group_allowed(session.groups, config_.allowed_groups)) return {Verdict::forbidden, Reason::group_not_allowed};
    } else if (const Reason r = check_identity(session.email, session.groups); r != Reason::allowed) {
        return {Verdict::forbidden, r};
    }
    if (const Reason r = check_route_rules(request.route, session); r != Reason::allowed) return {Verdict::forbidden, r};
    if (match.verdict == authz::PolicyVerdict::denied) return {Verdict::forbidden, Reason::policy_no_rule};
    if (match.verdict == authz::PolicyVerdict::needs_user && !authz::Policy::allows(*match.rule, session))
        return {Verdict::forbidden, Reason::policy_not_allowed};
    return {Verdict::allow, Reason::allowed};
}

std::optional<Decision> Gate::repeated_credentials(const OriginalRequest& request) const {
    if (!request.authorization_repeated || (!credentials_.bearer && !credentials_.basic)) return std::nullopt;
    return Decision{Verdict::malformed, Reason::original_request_unclear,
                    "Authorization sent more than once: which credentials count would depend on the reader"};
}

Gate::Presented Gate::presented(const OriginalRequest& request) const {
    if (credentials_.bearer) {
        if (const auto token = bearer_token_of(request.authorization); !token.empty())
            return {credentials_.bearer, token, true};
        // oauth2-proxy also reads a JWT sent as the user or the password of Basic (git clients, CI tools).
        if (const auto pair = basic_credentials_of(request.authorization); !pair.empty())
            if (auto token = credentials_.bearer->credential_in_basic(pair))
                return {credentials_.bearer, pair, true, std::move(*token), true};
    }
    if (credentials_.basic)
        if (const auto pair = basic_credentials_of(request.authorization); !pair.empty())
            return {credentials_.basic, pair, false};
    return {};
}

Decision Gate::with_credentials(const OriginalRequest& request, const authz::PolicyMatch& match, const Presented& p,
                                const CredentialCheck& checked, std::optional<session::LoadResult> loaded,
                                const session::Session& session) const {
    using Outcome = CredentialCheck::Outcome;
    // The credentials decide, or, when they failed and the fallback is on, a valid session cookie does.
    if (checked.outcome == Outcome::ok) return with_session(request, match, session::LoadResult::ok, session, !p.bearer);
    if (loaded == session::LoadResult::ok) return with_session(request, match, session::LoadResult::ok, session);
    if (!p.bearer) {
        if (checked.outcome == Outcome::rate_limited)
            return {Verdict::forbidden, Reason::basic_auth_rate_limited, checked.error};
        return {Verdict::sign_in_required, Reason::basic_auth_invalid, checked.error};
    }
    // oauth2-proxy's --bearer-token-login-fallback=false: a request that presents a bad token is refused outright.
    const Verdict refused = config_.bearer_token_login_fallback ? Verdict::sign_in_required : Verdict::forbidden;
    switch (checked.outcome) {
        case Outcome::unavailable: return {Verdict::unavailable, Reason::bearer_issuer_unavailable, checked.error};
        case Outcome::expired: return {refused, Reason::bearer_token_expired, checked.error};
        default: return {refused, Reason::bearer_token_invalid, checked.error};
    }
}

std::optional<Decision> Gate::with_certificate(const OriginalRequest& request, const authz::PolicyMatch& match,
                                              session::Session& session, std::string& note) const {
    using State = authz::ClientCertificate::State;
    const auto& cert = *request.certificate;
    if (cert.state != State::verified) {
        note = cert.problem;
        return std::nullopt;
    }
    const authz::CertificateIdentities* identities = policy_ ? &policy_->current_for_this_thread().certificates() : nullptr;
    if (!identities || identities->empty()) {
        note = "a client certificate was presented, but the policy file maps none";
        return std::nullopt;
    }
    if (!identities->believed_for(request.host)) {
        note = "client certificates are not believed for host '" + std::string(request.host) +
               "' (not in the policy file's client_certificates hosts)";
        return std::nullopt;
    }
    const authz::CertificateIdentity* id = identities->find(cert);
    if (!id) {
        note = "client certificate '" + (cert.subject.empty() && !cert.uris.empty() ? cert.uris.front() : cert.subject) +
               "' is not mapped by the policy file";
        return std::nullopt;
    }
    session = session::Session{};
    session.user = id->user;
    session.preferred_username = id->user;
    session.email = id->email;
    session.groups = id->groups;
    // The policy file's mapping is the operator's own list: the e-mail rules do not apply; groups, routes and
    // the policy's rules do.
    return with_session(request, match, session::LoadResult::ok, session, true);
}

namespace {
// A denial after a certificate did not count says why it did not (a spoofed header, an unmapped subject).
Decision noted(Decision d, std::string& note) {
    if (!note.empty() && d.verdict != Verdict::allow && d.detail.empty()) d.detail = std::move(note);
    return d;
}
}  // namespace

std::optional<Decision> Gate::decide_now(const OriginalRequest& request, session::Session& session) const {
    authz::PolicyMatch match;
    if (auto d = before_session(request, match)) return d;
    if (auto d = repeated_credentials(request)) return d;
    if (const auto p = presented(request); p.verifier) {
        const auto checked = p.verifier->find_now(p.value(), session);
        if (!checked) return std::nullopt;
        if (checked->outcome == CredentialCheck::Outcome::ok || !falls_back(p))
            return with_credentials(request, match, p, *checked, std::nullopt, session);
        const auto loaded = sessions_.load_now(*request.cookies, clock_.now(), session);
        if (!loaded || renewal_due(*loaded, session)) return std::nullopt;
        return with_credentials(request, match, p, *checked, loaded, session);
    }
    std::string note;
    if (request.certificate && request.certificate->state != authz::ClientCertificate::State::none)
        if (auto d = with_certificate(request, match, session, note)) return d;
    const auto loaded = sessions_.load_now(*request.cookies, clock_.now(), session);
    if (!loaded || renewal_due(*loaded, session)) return std::nullopt;
    return noted(with_session(request, match, *loaded, session), note);
}

boost::asio::awaitable<std::optional<Decision>> Gate::renew(const OriginalRequest& request, session::Session& session,
                                                            std::vector<std::string>& set_cookies) const {
    std::string host(request.cookie_host);
    const auto outcome = co_await renewal_->renew(session, *request.cookies, std::move(host), set_cookies);
    if (outcome == RenewalOutcome::refused) {
        Decision d{Verdict::sign_in_required, Reason::session_expired, "the identity provider did not renew the session"};
        d.set_cookies = std::move(set_cookies);
        co_return d;
    }
    co_return std::nullopt;
}

boost::asio::awaitable<std::optional<Decision>> Gate::load_renewed(const OriginalRequest& request,
                                                                   session::Session& session, session::LoadResult& loaded,
                                                                   std::vector<std::string>& set_cookies) const {
    const auto at_once = sessions_.load_now(*request.cookies, clock_.now(), session);
    loaded = at_once ? *at_once : co_await sessions_.load(*request.cookies, clock_.now(), session);
    // The identity, the per-app rules and the policy are checked against the renewed session, never the old one.
    if (!renewal_due(loaded, session)) co_return std::nullopt;
    // Not in an if's condition: GCC 12 mishandles the temporaries of a co_await there.
    auto ended = co_await renew(request, session, set_cookies);
    co_return ended;
}

boost::asio::awaitable<Decision> Gate::decide(const OriginalRequest& request, session::Session& session) const {
    authz::PolicyMatch match;
    if (auto d = before_session(request, match)) co_return *d;
    if (auto d = repeated_credentials(request)) co_return *d;
    std::vector<std::string> set_cookies;
    if (const auto p = presented(request); p.verifier) {
        auto checked = p.verifier->find_now(p.value(), session);
        if (!checked) checked = co_await p.verifier->verify(p.value(), request.client, session);
        std::optional<session::LoadResult> loaded;
        if (checked->outcome != CredentialCheck::Outcome::ok && falls_back(p)) {
            loaded.emplace();
            auto ended = co_await load_renewed(request, session, *loaded, set_cookies);
            if (ended) co_return std::move(*ended);
        }
        // Other requests of this thread ran meanwhile and may have moved it to a newer policy snapshot.
        match = {};
        if (auto d = before_session(request, match)) co_return std::move(*d);
        Decision d = with_credentials(request, match, p, *checked, loaded, session);
        d.set_cookies = std::move(set_cookies);
        co_return d;
    }
    std::string note;
    if (request.certificate && request.certificate->state != authz::ClientCertificate::State::none)
        if (auto d = with_certificate(request, match, session, note)) co_return *d;
    session::LoadResult loaded{};
    auto ended = co_await load_renewed(request, session, loaded, set_cookies);
    if (ended) co_return std::move(*ended);
    match = {};
    if (auto d = before_session(request, match)) co_return std::move(*d);
    Decision d = noted(with_session(request, match, loaded, session), note);
    d.set_cookies = std::move(set_cookies);
    co_return d;
}

}  // namespace gh::gate
