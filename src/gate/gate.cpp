#include "gate/gate.hpp"

#include "authz/path_normalize.hpp"
#include "gate/rules.hpp"

namespace gh::gate {

Gate::Gate(std::shared_ptr<const options::Options> options, const session::CookieSessionStore& sessions,
           const Clock& clock, const authz::WatchedEmailList* emails, const authz::WatchedFile<authz::Policy>* policy)
    : options_(std::move(options)),
      sessions_(sessions),
      clock_(clock),
      emails_(emails),
      policy_(policy),
      skip_routes_(options_->skip_auth_routes, options_->skip_auth_preflight) {}

Reason Gate::check_identity(std::string_view email, const std::vector<std::string>& groups) const {
    // oauth2-proxy's rule: a domain match or a listed address lets a user in.
    if (!email_domain_allowed(email, options_->email_domains)) {
        if (!emails_) return Reason::email_domain_not_allowed;
        if (!emails_->current_for_this_thread().contains(email)) return Reason::email_not_in_authenticated_emails;
    }
    if (!group_allowed(groups, options_->allowed_groups)) return Reason::group_not_allowed;
    return Reason::allowed;
}

Decision Gate::decide(const OriginalRequest& request, session::Session& session) const {
    using session::LoadResult;
    // A public route passes without a session, and without identity: nothing is loaded for it.
    if (!request.path.empty() || request.method == "OPTIONS")
        if (skip_routes_.matches(request.method, request.path)) return {Verdict::allow, Reason::public_route};
    authz::PolicyMatch policy_match;
    if (policy_ && !request.host.empty() && !request.path.empty()) {
        // This thread's snapshot stays alive until its next request, so the matched rule cannot vanish under a reload.
        const authz::Policy& policy = policy_->current_for_this_thread();
        thread_local std::string normal;
        if (authz::normalize_path_into(request.path, normal))
            policy_match = policy.match(request.host, normal, request.method);
        else
            policy_match.verdict = authz::PolicyVerdict::denied;  // an ambiguous path never reaches a rule
        if (policy_match.verdict == authz::PolicyVerdict::public_access) return {Verdict::allow, Reason::public_route};
    }
    switch (sessions_.load(*request.cookies, clock_.now(), session)) {
        case LoadResult::ok: break;
        case LoadResult::absent: return {Verdict::sign_in_required, Reason::no_session};
        case LoadResult::malformed: return {Verdict::sign_in_required, Reason::malformed_cookie};
        case LoadResult::tampered: return {Verdict::sign_in_required, Reason::tampered_cookie};
        case LoadResult::expired: return {Verdict::sign_in_required, Reason::session_expired};
    }
    // Signed in but refused is 403, never 401: a 401 would send the user through sign-in again and,
    // with single sign-on, straight back here in a loop.
    if (const Reason r = check_identity(session.email, session.groups); r != Reason::allowed)
        return {Verdict::forbidden, r};
    if (const Reason r = check_route_rules(request.route, session); r != Reason::allowed) return {Verdict::forbidden, r};
    if (policy_match.verdict == authz::PolicyVerdict::denied) return {Verdict::forbidden, Reason::policy_no_rule};
    if (policy_match.verdict == authz::PolicyVerdict::needs_user && !authz::Policy::allows(*policy_match.rule, session))
        return {Verdict::forbidden, Reason::policy_not_allowed};
    return {Verdict::allow, Reason::allowed};
}

}  // namespace gh::gate
