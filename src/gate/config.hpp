#pragma once
// Who may pass, as the flags say (built by options/gate_config.cpp); the policy file adds per-app rules.
#include <string>
#include <vector>

namespace gh::gate {

struct Config {
    std::vector<std::string> email_domains;     // * for any
    std::vector<std::string> allowed_groups;    // keycloak roles included as role:<name>
    std::vector<std::string> skip_auth_routes;  // METHOD=regex, regex or METHOD!=regex; compiled at start
    bool skip_auth_preflight = false;
    std::vector<std::string> api_routes;        // path regexes answered 401 rather than sent to sign in
    bool bearer_token_login_fallback = true;    // after a refused bearer token, try the session cookie
};

}  // namespace gh::gate
