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

}  // namespace

bool email_domain_allowed(std::string_view email, const std::vector<std::string>& domains) {
    for (const auto& d : domains)
        if (d == "*") return true;
    const auto at = email.rfind('@');
    if (at == std::string_view::npos || at == 0) return false;
    const std::string_view domain = email.substr(at + 1);
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
