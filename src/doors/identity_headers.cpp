#include "doors/identity_headers.hpp"

#include "crypto/base64.hpp"

namespace gh::doors {

void write_identity_headers(const session::Session& s, const options::Options& o, http::Response& res) {
    for_each_identity_header(s, o, [&res](std::string_view name, std::string_view value) { res.header(name, value); });
}

std::string_view upstream_user(const session::Session& s, const options::Options& o) {
    return o.prefer_email_to_user && !s.email.empty() ? s.email : s.user;
}

std::string basic_credentials(std::string_view user, std::string_view password) {
    std::string pair;
    pair.reserve(user.size() + 1 + password.size());
    pair.append(user).append(":").append(password);
    return "Basic " + crypto::base64_encode(crypto::as_bytes(pair));
}

std::string_view authorization_answer(const session::Session& s, const options::Options& o) {
    thread_local std::string value;
    value.clear();
    if (o.set_authorization_header && !s.id_token.empty()) value.append("Bearer ").append(s.id_token);
    else if (o.set_basic_auth) value = basic_credentials(upstream_user(s, o), o.basic_auth_password.reveal());
    return value;
}

bool is_identity_header(std::string_view lower_case_name) {
    return lower_case_name == "gap-auth" || lower_case_name.starts_with("x-auth-request-");
}

}  // namespace gh::doors
