#include "gate/route_rules.hpp"

#include <algorithm>
#include <string>

#include "gate/rules.hpp"
#include "text/ascii.hpp"
#include "text/percent.hpp"

namespace gh::gate {
namespace {

// Percent-decodes `item` only when it needs it, into a per-thread buffer (annotations rarely encode, so
// the common case is a plain view and no copy). The view is valid until the next call on this thread.
std::string_view decoded(std::string_view item) {
    if (item.find_first_of("%+") == std::string_view::npos) return item;
    thread_local std::string buffer;
    buffer.clear();
    text::percent_decode_into(item, true, buffer);
    return buffer;
}

// True when match(item) holds for one non-empty, trimmed item of a comma list. The list is decoded first,
// so an encoded comma (%2C) separates items too.
template <class Match>
bool any_item(std::string_view list, Match&& match) {
    list = decoded(list);
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty() && match(item)) return true;
    }
    return false;
}

}  // namespace

RouteRules route_rules_from_query(std::string_view query) {
    RouteRules r;
    const std::string_view* seen[3] = {};  // the rules named so far
    std::size_t seen_count = 0;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view key = pair.substr(0, eq), value = pair.substr(eq + 1);
        std::string_view* rule = key == "allowed_groups"          ? &r.allowed_groups
                                 : key == "allowed_emails"        ? &r.allowed_emails
                                 : key == "allowed_email_domains" ? &r.allowed_email_domains
                                                                  : nullptr;
        if (!rule) continue;
        if (std::find(seen, seen + seen_count, rule) != seen + seen_count) r.unclear = true;
        else seen[seen_count++] = rule;
        *rule = value;
    }
    return r;
}

Reason check_route_rules(const RouteRules& rules, const session::Session& s) {
    if (rules.unclear) return Reason::route_rules_unclear;
    if (!rules.allowed_groups.empty() && !any_item(rules.allowed_groups, [&](std::string_view g) {
            for (const auto& mine : s.groups)
                if (mine == g) return true;
            return false;
        }))
        return Reason::route_group_not_allowed;
    if (!rules.allowed_emails.empty() &&
        !any_item(rules.allowed_emails, [&](std::string_view e) { return text::iequals(e, s.email); }))
        return Reason::route_email_not_allowed;
    if (!rules.allowed_email_domains.empty()) {
        // One '@' only: which domain "a@evil.com@company.com" has depends on the parser, so it has none.
        const std::string_view domain = well_formed_email_domain(s.email);
        // oauth2-proxy judges allowed_email_domains as it judges --whitelist-domain hosts: ".example.com" admits
        // example.com itself too.
        if (!any_item(rules.allowed_email_domains, [&](std::string_view d) {
                return d == "*" || email_domain_matches(domain, d, true);
            }))
            return Reason::route_email_domain_not_allowed;
    }
    return Reason::allowed;
}

}  // namespace gh::gate
