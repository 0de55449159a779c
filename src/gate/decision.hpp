#pragma once
#include <cstddef>
#include <string>
#include <vector>
// What the gate decided about one request, and why. Each door maps it to its own protocol.
namespace gh::gate {

enum class Verdict {
    allow,             // signed in and allowed
    sign_in_required,  // no valid session: send the user to sign in
    forbidden,         // signed in, but this user may not pass
    unavailable,       // the session store cannot be asked: fail closed with a 5xx
    malformed,         // the original request cannot be read one way only: refused before any rule (400/403)
};

// Every decision carries a reason, which its log line and the decisions metric (observe::count_decision) use.
enum class Reason {
    allowed,
    public_route,  // --skip-auth-route / --skip-auth-preflight
    no_session,
    malformed_cookie,
    tampered_cookie,
    session_expired,
    session_not_found,          // a valid ticket whose Redis session is gone
    session_store_unavailable,  // Redis down or too slow
    email_domain_not_allowed,
    group_not_allowed,
    email_not_in_authenticated_emails,
    route_group_not_allowed,         // allowed_groups on the auth URL
    route_email_not_allowed,         // allowed_emails on the auth URL
    route_email_domain_not_allowed,  // allowed_email_domains on the auth URL
    route_rules_unclear,             // a per-app rule named twice on the auth URL
    policy_no_rule,                  // --policy-file names the host, but no rule covers this path/method
    policy_not_allowed,              // the matching --policy-file rule does not admit this user
    bearer_token_invalid,            // --skip-jwt-bearer-tokens: the token did not verify
    bearer_token_expired,            // --skip-jwt-bearer-tokens: the token verified once, and has expired since
    bearer_issuer_unavailable,       // --skip-jwt-bearer-tokens: the token's issuer's keys are not loaded yet
    basic_auth_invalid,              // --htpasswd-file: unknown user or wrong password
    basic_auth_rate_limited,         // --htpasswd-file: too many failed attempts from this client
    original_request_unclear,        // a header twice, one missing, a host or path no two servers read alike
    original_request_untrusted,      // the door needs forwarded headers, but its peer is not a trusted proxy
};

inline constexpr std::size_t kReasonCount = static_cast<std::size_t>(Reason::original_request_untrusted) + 1;

const char* to_string(Reason r);
// The reason as a metric label: the enumerator's name.
const char* metric_name(Reason r);

struct Decision {
    Verdict verdict = Verdict::sign_in_required;
    Reason reason = Reason::no_session;
    std::string detail;  // more than the reason says, for the log (why a bearer token failed); usually empty
    // Set-Cookie values the answer must carry: a session renewed (or ended) by --cookie-refresh on the way.
    std::vector<std::string> set_cookies;
};

}  // namespace gh::gate
