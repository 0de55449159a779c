#pragma once
// Puts a request path into the one canonical form that public-route rules are matched against, so that an
// encoding trick cannot make a protected path look like a public one.
#include <optional>
#include <string>
#include <string_view>

namespace gh::authz {

// - percent-encoded unreserved characters are decoded (%41 -> A, %2e -> .); other escapes are kept, upper-cased;
// - runs of slashes become one;
// - ";params" are removed from every segment, raw or encoded (%3B), as Tomcat, Jetty and Spring route "/admin;x"
//   as "/admin" (so "..;" is "..");
// - "." and ".." segments are resolved (RFC 3986 §5.2.4);
// - the query is not part of the path.
// nullopt when the path is ambiguous across servers — it holds a backslash or '#', an encoded slash, backslash,
// '?' or '#' (%2F, %5C, %3F, %23), a NUL or control character, a malformed escape, or does not start with '/':
// such a request is refused by the gate.
std::optional<std::string> normalize_path(std::string_view path);

// The same into `out` (cleared first, its capacity reused): no allocation once `out` has grown. False when the
// path is ambiguous.
bool normalize_path_into(std::string_view path, std::string& out);

}  // namespace gh::authz
