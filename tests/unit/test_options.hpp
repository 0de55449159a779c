#pragma once
// Shared helpers for unit tests that need a valid configuration.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "options/parse_options.hpp"

namespace gh::test {

inline const std::string kCookieSecret = "0123456789abcdef0123456789abcdef";

// The minimal valid command line; `extra` flags are appended (a later flag wins for scalars).
inline std::vector<std::string> base_args(std::vector<std::string> extra = {}) {
    // --provider=oidc: oauth2-proxy's default provider is google; a later --provider wins.
    std::vector<std::string> args{"--provider=oidc", "--oidc-issuer-url=https://idp.example.com", "--client-id=app",
                                  "--client-secret=s3cret", "--cookie-secret=" + kCookieSecret};
    // List flags accumulate, so the permissive default is left out when the test sets its own domains.
    const bool own_domains = std::any_of(extra.begin(), extra.end(),
                                         [](const std::string& a) { return a.starts_with("--email-domain"); });
    if (!own_domains) args.push_back("--email-domain=*");
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

inline options::FileReader files(std::map<std::string, std::string> contents) {
    return [contents](const std::string& path) -> std::optional<std::string> {
        const auto it = contents.find(path);
        if (it == contents.end()) return std::nullopt;
        return it->second;
    };
}

inline options::Options must_parse(std::vector<std::string> args, options::Environment env = {}) {
    auto out = options::parse_options(args, env, options::read_text_file);
    if (!out.options) throw std::runtime_error(out.errors.empty() ? "no options" : out.errors.front());
    return *out.options;
}

}  // namespace gh::test
