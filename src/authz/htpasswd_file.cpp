#include "authz/htpasswd_file.hpp"

#include <optional>
#include <unordered_set>

namespace gh::authz {
namespace {

bool is_bcrypt(std::string_view hash) {
    // $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters of salt and hash.
    return hash.size() == 60 && hash[0] == '$' && hash[1] == '2' &&
           (hash[2] == 'a' || hash[2] == 'b' || hash[2] == 'y') && hash[3] == '$' && hash[6] == '$';
}

std::string_view kind_of(std::string_view hash) {
    if (hash.starts_with("{SHA}")) return "a {SHA} (SHA-1) password";
    if (hash.starts_with("$apr1$")) return "an $apr1$ (MD5) password";
    if (hash.starts_with("$1$")) return "a $1$ (MD5) password";
    if (hash.starts_with("$5$") || hash.starts_with("$6$")) return "a SHA-crypt password";
    return "a password in an unknown format, or in plain text";
}

// Why a line, neither blank nor a comment, cannot be an entry; nullopt when it can.
std::optional<Error> refusal(std::string_view line, const std::unordered_set<std::string_view>& seen) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return Error{.code = ErrorCode::malformed, .message = "not user:hash"};
    const std::string user(line.substr(0, colon));
    const std::string_view hash = line.substr(colon + 1);
    if (!is_bcrypt(hash))
        return Error{.code = ErrorCode::unsupported,
                     .message = "user '" + user + "' has " + std::string(kind_of(hash)) +
                                "; only bcrypt is accepted (make it with: htpasswd -B FILE " + user + ")"};
    if (seen.contains(line.substr(0, colon)))
        return Error{.code = ErrorCode::invalid_value, .message = "user '" + user + "' appears twice"};
    return std::nullopt;
}

}  // namespace

Result<std::vector<HtpasswdEntry>, Errors> read_htpasswd(std::string_view text) {
    std::vector<HtpasswdEntry> entries;
    std::unordered_set<std::string_view> seen;  // views into `text`
    Errors problems;
    int line_number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        if (auto refused = refusal(line, seen)) {
            refused->line = line_number;
            problems.push_back(std::move(*refused));
            continue;
        }
        const auto colon = line.find(':');
        seen.insert(line.substr(0, colon));
        entries.push_back({std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
    }
    if (!problems.empty()) return failure(std::move(problems));
    return entries;
}

}  // namespace gh::authz
