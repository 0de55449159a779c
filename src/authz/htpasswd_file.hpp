#pragma once
// --htpasswd-file's format: Apache's "user:hash" lines (made with `htpasswd -B`), '#' comments and blank lines
// skipped. Only bcrypt is accepted: the other formats htpasswd can write ({SHA}, $apr1$ MD5, crypt) are fast to
// attack, so a line holding one is refused with the command that makes a bcrypt entry.
//
// Read here, below the options, so that start-up reports the file's problems together with the flags';
// credentials::Htpasswd keeps what it reads and checks passwords against it.
#include <string>
#include <string_view>
#include <vector>

#include "result/result.hpp"

namespace gh::authz {

struct HtpasswdEntry {
    std::string user;
    std::string hash;  // bcrypt: $2a$, $2b$ or $2y$
};

// Every entry, or every problem, each at its line: a line that is not user:hash, a hash that is not bcrypt, a
// user named twice.
Result<std::vector<HtpasswdEntry>, Errors> read_htpasswd(std::string_view text);

}  // namespace gh::authz
