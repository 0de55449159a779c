#include "gate/decision.hpp"

namespace gh::gate {

const char* to_string(Reason r) {
    switch (r) {
        case Reason::allowed: return "allowed";
        case Reason::public_route: return "public route";
        case Reason::no_session: return "no session";
        case Reason::malformed_cookie: return "malformed session cookie";
        case Reason::tampered_cookie: return "session cookie failed authentication";
        case Reason::session_expired: return "session expired";
        case Reason::session_not_found: return "session not in the store (signed out, revoked or expired)";
        case Reason::session_store_unavailable: return "session store unavailable";
        case Reason::email_domain_not_allowed: return "email domain not allowed";
        case Reason::group_not_allowed: return "not in an allowed group";
        case Reason::email_not_in_authenticated_emails: return "email not allowed";
        case Reason::route_group_not_allowed: return "not in the app's allowed_groups";
        case Reason::route_email_not_allowed: return "not in the app's allowed_emails";
        case Reason::policy_no_rule: return "no policy rule covers this path";
        case Reason::policy_not_allowed: return "the policy rule does not admit this user";
        case Reason::route_email_domain_not_allowed: return "email domain not in the app's allowed_email_domains";
        case Reason::route_rules_unclear: return "the auth URL names one of the app's rules twice";
        case Reason::bearer_token_invalid: return "bearer token not valid";
        case Reason::bearer_token_expired: return "bearer token expired";
        case Reason::bearer_issuer_unavailable: return "bearer token issuer's keys not loaded";
        case Reason::basic_auth_invalid: return "unknown user or wrong password";
        case Reason::basic_auth_rate_limited: return "too many failed password attempts";
        case Reason::original_request_unclear: return "the original request cannot be read one way only";
        case Reason::original_request_untrusted: return "the original request comes from an untrusted peer";
    }
    return "unknown";
}

const char* metric_name(Reason r) {
    switch (r) {
        case Reason::allowed: return "allowed";
        case Reason::public_route: return "public_route";
        case Reason::no_session: return "no_session";
        case Reason::malformed_cookie: return "malformed_cookie";
        case Reason::tampered_cookie: return "tampered_cookie";
        case Reason::session_expired: return "session_expired";
        case Reason::session_not_found: return "session_not_found";
        case Reason::session_store_unavailable: return "session_store_unavailable";
        case Reason::email_domain_not_allowed: return "email_domain_not_allowed";
        case Reason::group_not_allowed: return "group_not_allowed";
        case Reason::email_not_in_authenticated_emails: return "email_not_in_authenticated_emails";
        case Reason::route_group_not_allowed: return "route_group_not_allowed";
        case Reason::route_email_not_allowed: return "route_email_not_allowed";
        case Reason::route_email_domain_not_allowed: return "route_email_domain_not_allowed";
        case Reason::route_rules_unclear: return "route_rules_unclear";
        case Reason::policy_no_rule: return "policy_no_rule";
        case Reason::policy_not_allowed: return "policy_not_allowed";
        case Reason::bearer_token_invalid: return "bearer_token_invalid";
        case Reason::bearer_token_expired: return "bearer_token_expired";
        case Reason::bearer_issuer_unavailable: return "bearer_issuer_unavailable";
        case Reason::basic_auth_invalid: return "basic_auth_invalid";
        case Reason::basic_auth_rate_limited: return "basic_auth_rate_limited";
        case Reason::original_request_unclear: return "original_request_unclear";
        case Reason::original_request_untrusted: return "original_request_untrusted";
    }
    return "unknown";
}

}  // namespace gh::gate
