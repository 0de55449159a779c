#pragma once
// The global authorization rules of oauth2-proxy: --email-domain and --allowed-group.
#include <string>
#include <string_view>
#include <vector>

namespace gh::gate {

// True when `email` is a well-formed address whose domain one of `domains` admits (email_domain_matches, with
// oauth2-proxy's --email-domain rule: ".example.com" admits subdomains only), or `domains` holds "*".
bool email_domain_allowed(std::string_view email, const std::vector<std::string>& domains);

// The domain of a well-formed address (one '@', see rules.cpp), or empty: what a domain rule may judge.
std::string_view well_formed_email_domain(std::string_view email);

// Whether `rule` admits `domain`, case-insensitively, as oauth2-proxy reads it: "example.com" (or
// "@example.com") that domain only; ".example.com" and "*.example.com" any subdomain ("x.example.com", never
// "evilexample.com"), and the domain itself only when `wildcard_admits_apex` (oauth2-proxy's per-app
// allowed_email_domains does, its --email-domain does not).
bool email_domain_matches(std::string_view domain, std::string_view rule, bool wildcard_admits_apex);

// True when `allowed` is empty, or `groups` and `allowed` share a member (exact match).
bool group_allowed(const std::vector<std::string>& groups, const std::vector<std::string>& allowed);

}  // namespace gh::gate
