#include "credentials/bearer_tokens.hpp"

#include <openssl/sha.h>

#include "credentials/jwt_in_basic.hpp"
#include "oidc/bearer_token.hpp"
#include "session/opened_values.hpp"

namespace gh::credentials {
namespace {

// What a thread has verified, keyed by the token's SHA-256 (32 bytes). Only successes are remembered.
using VerifiedTokens = session::OpenedValues<session::Session, 256>;
VerifiedTokens& verified_here() {
    thread_local VerifiedTokens verified;
    return verified;
}

std::string_view digest_of(std::string_view token, std::array<unsigned char, SHA256_DIGEST_LENGTH>& out) {
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), out.data());
    return {reinterpret_cast<const char*>(out.data()), out.size()};
}

}  // namespace

BearerTokens::BearerTokens(std::vector<Issuer> issuers, const Clock& clock)
    : issuers_(std::move(issuers)), clock_(clock), id_(session::new_opener_id()) {}

std::optional<gate::CredentialCheck> BearerTokens::find_now(std::string_view token, session::Session& out) const {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
    if (!verified_here().find(id_, digest_of(token, digest), out)) return std::nullopt;
    if (out.expires_at <= clock_.now() - kSkew) return gate::CredentialCheck{gate::CredentialCheck::Outcome::expired, "token expired"};
    return gate::CredentialCheck{gate::CredentialCheck::Outcome::ok, {}};
}

const BearerTokens::Issuer* BearerTokens::issuer_for(std::string_view token) const {
    const auto iss = oidc::unverified_issuer(token);
    if (!iss) return nullptr;
    for (const auto& i : issuers_) {
        const auto endpoints = i.provider->endpoints();
        const std::string& known = endpoints ? endpoints->issuer : i.provider->config().issuer_url;
        if (known == *iss) return &i;
    }
    return nullptr;
}

std::optional<std::string> BearerTokens::credential_in_basic(std::string_view basic) const {
    return jwt_in_basic(basic);
}

boost::asio::awaitable<gate::CredentialCheck> BearerTokens::verify(std::string_view token, std::string_view,
                                                                   session::Session& out) const {
    using Outcome = gate::CredentialCheck::Outcome;
    if (token.empty())
        co_return gate::CredentialCheck{Outcome::invalid,
                                        "Authorization: Basic holds a JWT as both the user and the password"};
    const Issuer* issuer = issuer_for(token);
    if (!issuer) {
        const auto iss = oidc::unverified_issuer(token);
        co_return gate::CredentialCheck{Outcome::invalid, iss ? "issuer '" + *iss + "' is not accepted" : "not a JWT"};
    }
    const std::string jwt(token);  // kept: it becomes the session's access token
    const auto r = co_await issuer->provider->verify_bearer(jwt, issuer->audiences);
    if (!r.identity) co_return gate::CredentialCheck{r.unavailable ? Outcome::unavailable : Outcome::invalid, r.error};
    out = session::Session{};
    out.user = r.identity->user;
    out.email = r.identity->email;
    out.preferred_username = r.identity->preferred_username;
    out.groups = r.identity->groups;
    out.access_token = jwt;  // what --pass-access-token passes on, as oauth2-proxy does for bearer sessions
    out.created_at = r.issued_at;
    out.expires_at = r.expires_at;
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
    verified_here().remember(id_, digest_of(jwt, digest), out);
    co_return gate::CredentialCheck{Outcome::ok, {}};
}

}  // namespace gh::credentials
