#pragma once
// What the gate needs to authenticate a request by credentials in its Authorization header instead of a session
// cookie: a bearer token (--skip-jwt-bearer-tokens, credentials::BearerTokens) or a user and password
// (--htpasswd-file, credentials::BasicAuth). Interfaces here, so that the gate stays free of HTTP, OIDC and files.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "session/session.hpp"

namespace gh::gate {

struct CredentialCheck {
    enum class Outcome { ok, invalid, expired, unavailable, rate_limited } outcome = Outcome::invalid;
    std::string error;  // why not, for the log; never holds the credential
};

// `client`: the client's address, for per-client limits on failed attempts.
class CredentialVerifier {
public:
    virtual ~CredentialVerifier() = default;
    // Without suspending, from what this thread verified before: `out` holds the identity when ok; nullopt when
    // the credential is unknown here (then call verify).
    virtual std::optional<CredentialCheck> find_now(std::string_view credential, session::Session& out) const = 0;
    virtual boost::asio::awaitable<CredentialCheck> verify(std::string_view credential, std::string_view client,
                                                           session::Session& out) const = 0;
    // The credential this verifier reads in `Authorization: Basic <base64>` (`basic`: the base64 part), when it
    // reads one there at all: a bearer token sent as the user or the password, as oauth2-proxy accepts. nullopt:
    // not this verifier's. An empty string: a credential of this kind that cannot be read one way only (refused).
    virtual std::optional<std::string> credential_in_basic(std::string_view) const { return std::nullopt; }
};

// A user and password typed into the sign-in page's form (--htpasswd-file with --display-htpasswd-form), and
// whether a user who signed in that way is still in the file (a session made by the form ends when its user is
// removed).
class PasswordVerifier {
public:
    virtual ~PasswordVerifier() = default;
    // `client`: for the limit on failed attempts, shared with `Authorization: Basic`.
    virtual boost::asio::awaitable<CredentialCheck> verify_password(std::string_view user, std::string_view password,
                                                                    std::string_view client,
                                                                    session::Session& out) const = 0;
    virtual bool lists(std::string_view user) const = 0;
};

// The token of an `Authorization: Bearer <token>` header value (the scheme is case-insensitive), or empty.
std::string_view bearer_token_of(std::string_view authorization);
// The base64 part of an `Authorization: Basic <base64(user:password)>` header value, or empty.
std::string_view basic_credentials_of(std::string_view authorization);

}  // namespace gh::gate
