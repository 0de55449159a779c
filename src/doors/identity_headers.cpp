#include "doors/identity_headers.hpp"

namespace gh::doors {

void write_identity_headers(const session::Session& s, const options::Options& o, http::Response& res) {
    // oauth2-proxy sets GAP-Auth on every success: the e-mail when known, otherwise the user.
    res.header("GAP-Auth", s.email.empty() ? s.user : s.email);
    if (!o.set_xauthrequest) return;
    res.header("X-Auth-Request-User", s.user);
    if (!s.email.empty()) res.header("X-Auth-Request-Email", s.email);
    if (!s.preferred_username.empty()) res.header("X-Auth-Request-Preferred-Username", s.preferred_username);
    if (!s.groups.empty()) {
        // Built in a reused buffer: the joined list is the one variable-size value on the hot path.
        thread_local std::string joined;
        joined.clear();
        for (const auto& g : s.groups) {
            if (!joined.empty()) joined += ',';
            joined += g;
        }
        res.header("X-Auth-Request-Groups", joined);
    }
    if (o.pass_access_token && !s.access_token.empty()) res.header("X-Auth-Request-Access-Token", s.access_token);
}

}  // namespace gh::doors
