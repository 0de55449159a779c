#include "gate/rules.hpp"

#include <algorithm>
#include <array>

#include "text/ascii.hpp"

namespace gh::gate {
namespace {

// Which bytes may appear in each part of an address a domain rule judges (see well_formed_email).
struct EmailBytes {
    std::array<bool, 256> local{}, domain{};
};
constexpr EmailBytes kEmailBytes = [] {
    EmailBytes t;
    for (int c = '!'; c < 0x7f; ++c) t.local[c] = true;
    for (unsigned char c : std::string_view("\"(),:;<>[]\\")) t.local[c] = false;
    for (int c = 0; c < 128; ++c)
        t.domain[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    return t;
}();

// An address a domain rule can be judged on: one '@', a local part of printable characters without
// quotes or separators, and a domain of letters, digits, '-' and '.' labels. Anything else (a second '@',
// "a@evil.com@company.com", spaces, control characters) is refused rather than guessed at: which domain
// such a string "has" depends on the parser (oauth2-proxy GHSA-c5c4-8r6x-56w3).
bool well_formed_email(std::string_view email) {
    const auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || email.find('@', at + 1) != std::string_view::npos)
        return false;
    for (char c : email.substr(0, at))
        if (!kEmailBytes.local[static_cast<unsigned char>(c)]) return false;
    const std::string_view domain = email.substr(at + 1);
    if (domain.empty() || domain.size() > 253 || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos)
        return false;
    for (char c : domain)
        if (!kEmailBytes.domain[static_cast<unsigned char>(c)]) return false;
    return true;
}

}  // namespace

std::string_view well_formed_email_domain(std::string_view email) {
    if (!well_formed_email(email)) return {};
    return email.substr(email.find('@') + 1);
}

bool email_domain_matches(std::string_view domain, std::string_view rule, bool wildcard_admits_apex) {
    if (domain.empty()) return false;
    if (rule.starts_with('@')) rule.remove_prefix(1);
    if (rule.starts_with("*.")) rule.remove_prefix(1);
    if (!rule.starts_with('.')) return text::iequals(domain, rule);
    // ".example.com": a suffix that starts at a label boundary, so "evilexample.com" is no subdomain.
    if (rule.size() < 2) return false;
    if (wildcard_admits_apex && text::iequals(domain, rule.substr(1))) return true;
    return domain.size() > rule.size() && text::iequals(domain.substr(domain.size() - rule.size()), rule);
}

bool email_domain_allowed(std::string_view email, const std::vector<std::string>& domains) {
    for (const auto& d : domains)
        if (d == "*") return true;
    const std::string_view domain = well_formed_email_domain(email);
    for (std::string_view d : domains)
        if (email_domain_matches(domain, d, false)) return true;
    return false;
}

bool group_allowed(const std::vector<std::string>& groups, const std::vector<std::string>& allowed) {
    if (allowed.empty()) return true;
    for (const auto& g : groups)
        if (std::find(allowed.begin(), allowed.end(), g) != allowed.end()) return true;
    return false;
}

}  // namespace gh::gate
