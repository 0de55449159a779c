#pragma once
// Per-app rules that arrive with each auth request: the query parameters ingress annotations put on the auth
// URL (/oauth2/auth?allowed_groups=a,b&allowed_emails=x@y&allowed_email_domains=y), or ext_authz
// context_extensions with the same keys. Each kind given must pass (AND); within a kind any item may match (OR).
#include <string_view>

#include "gate/decision.hpp"
#include "session/session.hpp"

namespace gh::gate {

struct RouteRules {
    // Raw comma-separated lists as they arrived (percent-encoding allowed); empty view: no rule of that kind.
    std::string_view allowed_groups;
    std::string_view allowed_emails;
    std::string_view allowed_email_domains;
    // A kind named twice: refused (Reason::route_rules_unclear). Which list counts would depend on the reader
    // (oauth2-proxy reads the first, a later reader the last), and a proxy that appends to the query would
    // decide it. An empty list is no rule, as in oauth2-proxy.
    bool unclear = false;

    bool empty() const {
        return !unclear && allowed_groups.empty() && allowed_emails.empty() && allowed_email_domains.empty();
    }
};

// Reads the three keys from a query string (without '?'). Views into `query`; allocates nothing.
RouteRules route_rules_from_query(std::string_view query);

// Reason::allowed, or why the session fails one of the rules.
Reason check_route_rules(const RouteRules& rules, const session::Session& s);

}  // namespace gh::gate
