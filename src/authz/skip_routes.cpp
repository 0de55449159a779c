// Boost.Regex rather than std::regex: it is several times faster, does not recurse on the stack for long
// inputs, and it is part of Boost, which the project already depends on.
#include "authz/skip_routes.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "authz/path_normalize.hpp"

namespace gh::authz {
namespace {

bool is_http_method(std::string_view m) {
    static constexpr std::array<std::string_view, 9> kMethods{"GET",     "HEAD",  "POST",  "PUT",  "DELETE",
                                                              "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    for (auto k : kMethods)
        if (k == m) return true;
    return false;
}

}  // namespace

Result<SkipRoutes, Errors> SkipRoutes::compile(const std::vector<std::string>& rules, bool skip_preflight) {
    SkipRoutes out(skip_preflight);
    Errors problems;
    for (const auto& rule : rules) {
        Route r;
        std::string pattern = rule;
        // "GET=^/health" is a method rule; "^/a=b" (no method before '=') is a plain path regex;
        // "GET!=^/admin" and "!=^/admin" skip what does *not* match.
        if (const auto eq = rule.find('='); eq != std::string::npos) {
            std::string before = rule.substr(0, eq);
            const bool negated = before.ends_with('!');
            if (negated) before.pop_back();
            if (before.empty() ? negated : is_http_method(before)) {
                r.method = before;
                r.negated = negated;
                pattern = rule.substr(eq + 1);
            }
        }
        // An empty regex matches every path: "GET=" (a template whose path came out empty) would make every GET
        // public. Refused, as a missing value.
        if (pattern.empty()) {
            problems.push_back({.code = ErrorCode::invalid_value,
                                .message = "'" + rule + "' has no path regex (an empty one would match every path)"});
            continue;
        }
        try {
            r.pattern = boost::regex(pattern, boost::regex::perl);
            r.folded = boost::regex(pattern, boost::regex::perl | boost::regex::icase);
        } catch (const boost::regex_error& e) {  // Boost.Regex reports a bad pattern only by throwing
            problems.push_back({.code = ErrorCode::invalid_value,
                                .message = "'" + rule + "' is not a valid regular expression (" + e.what() + ")"});
            continue;
        }
        // Conservative: an escape such as \\D counts too, which only means the folded reading is compared.
        out.has_upper_case_patterns_ |=
            std::any_of(pattern.begin(), pattern.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
        out.routes_.push_back(std::move(r));
    }
    if (!problems.empty()) return failure(std::move(problems));
    return out;
}

SkipRoutes::SkipRoutes(const std::vector<std::string>& rules, bool skip_preflight)
    : SkipRoutes(value_or_throw<std::invalid_argument>(compile(rules, skip_preflight))) {}

bool SkipRoutes::matches(std::string_view method, std::string_view path) const {
    if (skip_preflight_ && method == "OPTIONS") return true;
    if (routes_.empty()) return false;
    thread_local std::string normal;
    if (!normalize_path_into(path, normal)) return false;
    return matches_normalised(method, normal);
}

bool SkipRoutes::matches_normalised(std::string_view method, std::string_view normal, bool fold_case) const {
    if (skip_preflight_ && method == "OPTIONS") return true;
    for (const auto& r : routes_) {
        if (!r.method.empty() && r.method != method) continue;
        if (boost::regex_search(normal.cbegin(), normal.cend(), fold_case ? r.folded : r.pattern) != r.negated) return true;
    }
    return false;
}

}  // namespace gh::authz
