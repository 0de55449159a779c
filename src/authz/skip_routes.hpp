#pragma once
// --skip-auth-routes ("METHOD=path-regex" or "path-regex", oauth2-proxy syntax) and --skip-auth-preflight:
// requests that pass without a session. Matched against the original request's method and its normalised path.
#include <boost/regex.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result/result.hpp"

namespace gh::authz {

class SkipRoutes {
public:
    // Compiles the rules, or names each one whose regex does not compile.
    static Result<SkipRoutes, Errors> compile(const std::vector<std::string>& rules, bool skip_preflight);
    // The throwing form of compile(), for rules known to be good (tests): std::invalid_argument naming the first
    // bad rule.
    SkipRoutes(const std::vector<std::string>& rules, bool skip_preflight);

    bool empty() const { return routes_.empty() && !skip_preflight_; }

    // True when the original request may pass without authentication. `path` is the raw path (no query);
    // it is normalised first, and an ambiguous path is never public.
    bool matches(std::string_view method, std::string_view path) const;
    // The same for a path already normalised (normalize_path), as the gate has it. `fold_case`: the regexes match
    // without regard to case, as Express, ASP.NET and IIS route.
    bool matches_normalised(std::string_view method, std::string_view normal, bool fold_case = false) const;
    // Whether a rule's pattern holds an upper-case letter (then a lower-case path may match it only by case).
    bool has_upper_case_patterns() const { return has_upper_case_patterns_; }

private:
    explicit SkipRoutes(bool skip_preflight) : skip_preflight_(skip_preflight) {}

    struct Route {
        std::string method;  // empty: any method
        boost::regex pattern;
        boost::regex folded;  // the same, case-insensitive
        bool negated = false;
    };
    std::vector<Route> routes_;
    bool skip_preflight_;
    bool has_upper_case_patterns_ = false;
};

}  // namespace gh::authz
