#include "credentials/htpasswd.hpp"

#include <crypt.h>

#include <memory>
#include <stdexcept>

#include "authz/htpasswd_file.hpp"
#include "crypto/bytes.hpp"

namespace gh::credentials {

Result<Htpasswd, Errors> Htpasswd::read(std::string_view text) {
    auto entries = authz::read_htpasswd(text);
    if (!entries) return failure(entries.error());
    Htpasswd h;
    for (auto& e : *entries) h.users_.emplace(std::move(e.user), std::move(e.hash));
    return h;
}

Htpasswd Htpasswd::parse(std::string_view text) { return value_or_throw<std::invalid_argument>(read(text)); }

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
