#include "credentials/htpasswd.hpp"

#include <crypt.h>

#include <memory>
#include <stdexcept>

#include "crypto/bytes.hpp"

namespace gh::credentials {
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

}  // namespace

Htpasswd Htpasswd::parse(std::string_view text) {
    Htpasswd h;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        const auto colon = line.find(':');
        const std::string where = "line " + std::to_string(line_number);
        if (colon == std::string_view::npos || colon == 0) throw std::invalid_argument(where + ": not user:hash");
        const std::string_view user = line.substr(0, colon), hash = line.substr(colon + 1);
        if (!is_bcrypt(hash))
            throw std::invalid_argument(where + ": user '" + std::string(user) + "' has " + std::string(kind_of(hash)) +
                                        "; only bcrypt is accepted (make it with: htpasswd -B FILE " +
                                        std::string(user) + ")");
        if (!h.users_.emplace(user, hash).second)
            throw std::invalid_argument(where + ": user '" + std::string(user) + "' appears twice");
    }
    return h;
}

const std::string* Htpasswd::hash_of(std::string_view user) const {
    const auto it = users_.find(user);
    return it == users_.end() ? nullptr : &it->second;
}

bool Htpasswd::password_matches(std::string_view password, const std::string& hash) {
    // crypt_rn's state is ~32 KB: on the heap, not on a pool thread's stack.
    auto data = std::make_unique<crypt_data>();
    const std::string pw(password);  // crypt wants a NUL-terminated string
    const char* out = crypt_rn(pw.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
    return out && out[0] != '*' && crypto::constant_time_equal(std::string_view(out), hash);
}

}  // namespace gh::credentials
