#include "identity/identity_headers.hpp"

#include "crypto/base64.hpp"

namespace gh::identity {

void write_identity_headers(const session::Session& s, const Config& o, http::Response& res) {
    for_each_identity_header(s, o, [&res](std::string_view name, std::string_view value) { res.header(name, value); });
}

std::string_view upstream_user(const session::Session& s, const Config& o) {
    return o.prefer_email_to_user && !s.email.empty() ? s.email : s.user;
}

std::string basic_credentials(std::string_view user, std::string_view password) {
    std::string pair;
    pair.reserve(user.size() + 1 + password.size());
    pair.append(user).append(":").append(password);
    return "Basic " + crypto::base64_encode(crypto::as_bytes(pair));
}

std::string_view authorization_answer(const session::Session& s, const Config& o) {
    thread_local std::string value;
    value.clear();
    if (o.set_authorization_header && !s.id_token.empty()) value.append("Bearer ").append(s.id_token);
    else if (o.set_basic_auth) value = basic_credentials(upstream_user(s, o), o.basic_auth_password.reveal());
    return value;
}

namespace {

// A header name's character as an application may read it: lower case, with '_' and '.' as '-'.
char folded(char c) {
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    return c == '_' || c == '.' ? '-' : c;
}

// Whether `name` folded starts with `lower` (lower case, '-' only).
bool folded_starts_with(std::string_view name, std::string_view lower) {
    if (name.size() < lower.size()) return false;
    for (std::size_t i = 0; i < lower.size(); ++i)
        if (folded(name[i]) != lower[i]) return false;
    return true;
}

}  // namespace

std::string folded_header_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) out += folded(c);
    return out;
}

namespace {

// The session's values of one claim, as oauth2-proxy's claim sources name them.
template <class Each>
void claim_values(InjectedValue::Claim claim, const session::Session& s, Each&& each) {
    using Claim = InjectedValue::Claim;
    switch (claim) {
        case Claim::user: each(s.user); break;
        case Claim::email: each(s.email); break;
        case Claim::preferred_username: each(s.preferred_username); break;
        case Claim::access_token: each(s.access_token); break;
        case Claim::id_token: each(s.id_token); break;
        case Claim::groups:
            for (const auto& g : s.groups) each(g);
            break;
        case Claim::fixed: break;
    }
}

}  // namespace

std::string_view injected_value(const InjectedHeader& h, const session::Session& s) {
    thread_local std::string value;
    value.clear();
    auto append = [](std::string_view piece) {
        if (!value.empty()) value += ',';
        value += piece;
    };
    for (const auto& v : h.values) {
        if (v.claim == InjectedValue::Claim::fixed) {
            if (!v.fixed.empty()) append(v.fixed.reveal());
            continue;
        }
        claim_values(v.claim, s, [&](const std::string& claim) {
            if (claim.empty()) return;  // as oauth2-proxy: an empty claim adds nothing
            if (v.basic_auth_password) append(basic_credentials(claim, v.basic_auth_password->reveal()));
            else append(v.prefix + claim);
        });
    }
    return value;
}

bool is_injected_header(std::string_view name, const std::vector<InjectedHeader>& headers) {
    for (const auto& h : headers)
        if (same_header_to_an_app(name, h.folded_name)) return true;
    return false;
}

bool same_header_to_an_app(std::string_view name, std::string_view lower) {
    return name.size() == lower.size() && folded_starts_with(name, lower);
}

bool is_identity_header(std::string_view name) {
    if (name.size() < 8) return false;  // "gap-auth", the shortest
    if (folded_starts_with(name, "x-auth-request-")) return true;
    if (folded_starts_with(name, "x-forwarded-")) {
        const std::string_view rest = name.substr(12);
        for (std::string_view ours : {"user", "email", "groups", "preferred-username", "access-token"})
            if (same_header_to_an_app(rest, ours)) return true;
        return false;
    }
    return same_header_to_an_app(name, "gap-auth");
}

}  // namespace gh::identity
