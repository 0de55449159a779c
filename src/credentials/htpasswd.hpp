#pragma once
// --htpasswd-file: users and their bcrypt password hashes, in Apache's htpasswd format (made with `htpasswd -B`;
// authz/htpasswd_file.hpp reads it, refusing every other hash format).
#include <string>
#include <string_view>
#include <unordered_map>

#include "result/result.hpp"

namespace gh::credentials {

class Htpasswd {
public:
    // The users of the file's text, or every problem in it, each at its line.
    static Result<Htpasswd, Errors> read(std::string_view text);
    // The throwing form of read(), for text known to be good (tests): std::invalid_argument naming the first
    // problem's line.
    static Htpasswd parse(std::string_view text);

    // The user's bcrypt hash, or nullptr.
    const std::string* hash_of(std::string_view user) const;
    std::size_t size() const { return users_.size(); }

    // bcrypt, by libcrypt (libxcrypt): slow on purpose, so never called on an I/O thread.
    static bool password_matches(std::string_view password, const std::string& hash);

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> users_;
};

}  // namespace gh::credentials
