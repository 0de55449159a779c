#include "gate/gate.hpp"

#include "authz/path_normalize.hpp"
#include "gate/rules.hpp"

namespace gh::gate {

Gate::Gate(std::shared_ptr<const options::Options> options, const session::SessionStore& sessions, const Clock& clock,
           const authz::WatchedEmailList* emails, const authz::WatchedFile<authz::Policy>* policy,
           const BearerVerifier* bearer)
    : options_(std::move(options)),
      sessions_(sessions),
      clock_(clock),
      emails_(emails),
      policy_(policy),
      skip_routes_(options_->skip_auth_routes, options_->skip_auth_preflight),
      bearer_(bearer) {}

Reason Gate::check_identity(std::string_view email, const std::vector<std::string>& groups) const {
    // oauth2-proxy's rule: a domain match or a listed address lets a user in.
    if (!email_domain_allowed(email, options_->email_domains)) {
        if (!emails_) return Reason::email_domain_not_allowed;
        if (!emails_->current_for_this_thread().contains(email)) return Reason::email_not_in_authenticated_emails;
    }
    if (!group_allowed(groups, options_->allowed_groups)) return Reason::group_not_allowed;
    return Reason::allowed;
}

std::optional<Decision> Gate::before_session(const OriginalRequest& request, authz::PolicyMatch& match) const {
    // A public route passes without a session, and without identity: nothing is loaded for it.
    if (!request.path.empty() || request.method == "OPTIONS")
        if (skip_routes_.matches(request.method, request.path)) return Decision{Verdict::allow, Reason::public_route};
    if (policy_ && !request.host.empty() && !request.path.empty()) {
        // This thread's snapshot stays alive until its next call here, so the matched rule cannot vanish
        // under a reload while it is used (decide() matches again after waiting for the store).
        const authz::Policy& policy = policy_->current_for_this_thread();
        thread_local std::string normal;
        if (authz::normalize_path_into(request.path, normal))
            match = policy.match(request.host, normal, request.method);
        else
            match.verdict = authz::PolicyVerdict::denied;  // an ambiguous path never reaches a rule
        if (match.verdict == authz::PolicyVerdict::public_access) return Decision{Verdict::allow, Reason::public_route};
    }
    return std::nullopt;
}

Decision Gate::with_session(const OriginalRequest& request, const authz::PolicyMatch& match,
                            session::LoadResult loaded, const session::Session& session) const {
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
    // Signed in but refused is 403, never 401: a 401 would send the user through sign-in again and,
    // with single sign-on, straight back here in a loop.
    if (const Reason r = check_identity(session.email, session.groups); r != Reason::allowed)
        return {Verdict::forbidden, r};
    if (const Reason r = check_route_rules(request.route, session); r != Reason::allowed) return {Verdict::forbidden, r};
    if (match.verdict == authz::PolicyVerdict::denied) return {Verdict::forbidden, Reason::policy_no_rule};
    if (match.verdict == authz::PolicyVerdict::needs_user && !authz::Policy::allows(*match.rule, session))
        return {Verdict::forbidden, Reason::policy_not_allowed};
    return {Verdict::allow, Reason::allowed};
}

std::string_view Gate::bearer_token(const OriginalRequest& request) const {
    return bearer_ ? bearer_token_of(request.authorization) : std::string_view{};
}

Decision Gate::with_bearer(const OriginalRequest& request, const authz::PolicyMatch& match, const BearerCheck& checked,
                           std::optional<session::LoadResult> loaded, const session::Session& session) const {
    using Outcome = BearerCheck::Outcome;
    // The token decides, or, when it failed and the fallback is on, a valid session cookie does.
    if (checked.outcome == Outcome::ok || loaded == session::LoadResult::ok)
        return with_session(request, match, session::LoadResult::ok, session);
    switch (checked.outcome) {
        case Outcome::unavailable: return {Verdict::unavailable, Reason::bearer_issuer_unavailable, checked.error};
        case Outcome::expired:
            return {options_->bearer_token_login_fallback ? Verdict::sign_in_required : Verdict::forbidden,
                    Reason::bearer_token_expired, checked.error};
        case Outcome::ok:
        case Outcome::invalid: break;
    }
    // oauth2-proxy's --bearer-token-login-fallback=false: a request that presents a bad token is refused outright.
    return {options_->bearer_token_login_fallback ? Verdict::sign_in_required : Verdict::forbidden,
            Reason::bearer_token_invalid, checked.error};
}

std::optional<Decision> Gate::decide_now(const OriginalRequest& request, session::Session& session) const {
    authz::PolicyMatch match;
    if (auto d = before_session(request, match)) return d;
    if (const auto token = bearer_token(request); !token.empty()) {
        const auto checked = bearer_->find_now(token, session);
        if (!checked) return std::nullopt;
        if (checked->outcome == BearerCheck::Outcome::ok || !options_->bearer_token_login_fallback)
            return with_bearer(request, match, *checked, std::nullopt, session);
        const auto loaded = sessions_.load_now(*request.cookies, clock_.now(), session);
        if (!loaded) return std::nullopt;
        return with_bearer(request, match, *checked, loaded, session);
    }
    const auto loaded = sessions_.load_now(*request.cookies, clock_.now(), session);
    if (!loaded) return std::nullopt;
    return with_session(request, match, *loaded, session);
}

boost::asio::awaitable<Decision> Gate::decide(const OriginalRequest& request, session::Session& session) const {
    authz::PolicyMatch match;
    if (auto d = before_session(request, match)) co_return *d;
    if (const auto token = bearer_token(request); !token.empty()) {
        auto checked = bearer_->find_now(token, session);
        if (!checked) checked = co_await bearer_->verify(token, session);
        std::optional<session::LoadResult> loaded;
        if (checked->outcome != BearerCheck::Outcome::ok && options_->bearer_token_login_fallback) {
            loaded = sessions_.load_now(*request.cookies, clock_.now(), session);
            if (!loaded) loaded = co_await sessions_.load(*request.cookies, clock_.now(), session);
        }
        // Other requests of this thread ran meanwhile and may have moved it to a newer policy snapshot.
        match = {};
        if (auto d = before_session(request, match)) co_return *d;
        co_return with_bearer(request, match, *checked, loaded, session);
    }
    auto loaded = sessions_.load_now(*request.cookies, clock_.now(), session);
    if (!loaded) {
        loaded = co_await sessions_.load(*request.cookies, clock_.now(), session);
        // Other requests of this thread ran meanwhile and may have moved it to a newer policy snapshot.
        match = {};
        if (auto d = before_session(request, match)) co_return *d;
    }
    co_return with_session(request, match, *loaded, session);
}

}  // namespace gh::gate
