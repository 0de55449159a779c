#pragma once
// Puts a request path into the canonical forms that path rules (public routes, --api-route, the policy file) are
// matched against, so that an encoding trick cannot make a protected path look like a public one.
#include <optional>
#include <string>
#include <string_view>

namespace gh::authz {

// How a kind of server reads a path. Where the readings of one path lead to different rules, the gate refuses it.
enum class PathReading {
    servlet,  // Tomcat, Jetty, Spring: ";params" removed from every segment (raw or %3B), empty segments dropped
    literal,  // most other servers: ";params" and empty segments are part of the path
};

// Both readings:
// - percent-encoded unreserved characters are decoded (%41 -> A, %2e -> .); other escapes are kept, upper-cased;
// - the query is not part of the path.
// nullopt when the path is ambiguous across servers: it holds a "." or ".." segment (raw, encoded, or before
// ";params": servers differ in whether they resolve them, and browsers never send them), a backslash or '#', an
// encoded slash, backslash, '?' or '#' (%2F, %5C, %3F, %23), a NUL or control character, a malformed escape, or does
// not start with '/'. The gate refuses such a request.
std::optional<std::string> normalize_path(std::string_view path);

// The same into `out` (cleared first, its capacity reused): no allocation once `out` has grown. False when the
// path is ambiguous.
bool normalize_path_into(std::string_view path, std::string& out, PathReading reading = PathReading::servlet);

}  // namespace gh::authz
