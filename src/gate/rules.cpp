#include "gate/rules.hpp"

#include <algorithm>
#include <cctype>

namespace gh::gate {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// An address a domain rule can be judged on: one '@', a local part of printable characters without
// quotes or separators, and a domain of letters, digits, '-' and '.' labels. Anything else (a second '@',
// "a@evil.com@company.com", spaces, control characters) is refused rather than guessed at: which domain
// such a string "has" depends on the parser (oauth2-proxy GHSA-c5c4-8r6x-56w3).
bool well_formed_email(std::string_view email) {
    const auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || email.find('@', at + 1) != std::string_view::npos)
        return false;
    for (char c : email.substr(0, at)) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= ' ' || u >= 0x7f || std::string_view("\"(),:;<>[]\\").find(c) != std::string_view::npos) return false;
    }
    const std::string_view domain = email.substr(at + 1);
    if (domain.empty() || domain.size() > 253 || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos)
        return false;
    for (char c : domain)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
    return true;
}

}  // namespace

bool email_domain_allowed(std::string_view email, const std::vector<std::string>& domains) {
    for (const auto& d : domains)
        if (d == "*") return true;
    if (!well_formed_email(email)) return false;
    const std::string_view domain = email.substr(email.find('@') + 1);
    for (std::string_view d : domains) {
        if (d.starts_with('@')) d.remove_prefix(1);
        if (iequals(domain, d)) return true;
    }
    return false;
}

bool group_allowed(const std::vector<std::string>& groups, const std::vector<std::string>& allowed) {
    if (allowed.empty()) return true;
    for (const auto& g : groups)
        if (std::find(allowed.begin(), allowed.end(), g) != allowed.end()) return true;
    return false;
}

}  // namespace gh::gate
