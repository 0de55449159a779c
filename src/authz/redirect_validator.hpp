#pragma once
// Decides whether a post-login or post-logout target (`rd`, X-Auth-Request-Redirect) is safe to redirect to.
// An open redirect lets a phishing link that starts on our trusted domain end anywhere, so anything we
// cannot positively recognise as local or whitelisted is refused.
#include <string>
#include <string_view>
#include <vector>

namespace gh::authz {

class RedirectValidator {
public:
    // `whitelist` holds --whitelist-domain entries: "example.com" (that host), ".example.com" (it and every
    // subdomain), optionally with ":8443" (that port) or ":*" (any port).
    explicit RedirectValidator(std::vector<std::string> whitelist);

    // A same-site path ("/app?x=1"), or an absolute http(s) URL whose host is whitelisted.
    bool is_valid(std::string_view target) const;

    // `target` when valid, otherwise "/".
    std::string sanitize(std::string_view target) const;

private:
    struct Entry {
        std::string host;       // lower case, without the leading dot
        bool subdomains = false;
        std::string port;       // empty: the scheme's default port only; "*": any
    };
    bool host_allowed(std::string_view host, std::string_view port, std::string_view scheme) const;
    std::vector<Entry> entries_;
};

}  // namespace gh::authz
