#pragma once
// The global authorization rules of oauth2-proxy: --email-domain and --allowed-group.
#include <string>
#include <string_view>
#include <vector>

namespace gh::gate {

// True when `email` is a well-formed address whose domain is one of `domains` (case-insensitive), or
// `domains` holds "*".
bool email_domain_allowed(std::string_view email, const std::vector<std::string>& domains);

// True when `allowed` is empty, or `groups` and `allowed` share a member (exact match).
bool group_allowed(const std::vector<std::string>& groups, const std::vector<std::string>& allowed);

}  // namespace gh::gate
