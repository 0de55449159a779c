#pragma once
// --htpasswd-file: users and their bcrypt password hashes, in Apache's htpasswd format (made with `htpasswd -B`).
// Only bcrypt is accepted: the other formats htpasswd can write ({SHA}, $apr1$ MD5, crypt) are fast to attack, so
// a file holding one is refused at load with the line and the command that makes a bcrypt entry.
#include <string>
#include <string_view>
#include <unordered_map>

namespace gh::credentials {

class Htpasswd {
public:
    // Throws std::invalid_argument naming the line when an entry is malformed or not bcrypt.
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
