#pragma once
// What the gate needs to authenticate a request by its bearer token (--skip-jwt-bearer-tokens). Implemented by
// machines::BearerTokens, which knows the issuers; an interface here so that the gate stays free of HTTP and OIDC.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "session/session.hpp"

namespace gh::gate {

struct BearerCheck {
    enum class Outcome { ok, invalid, expired, unavailable } outcome = Outcome::invalid;
    std::string error;  // why not, for the log; never holds the token
};

class BearerVerifier {
public:
    virtual ~BearerVerifier() = default;
    // Without suspending, from what this thread verified before: `out` holds the token's identity when ok;
    // nullopt when the token is unknown here (then call verify).
    virtual std::optional<BearerCheck> find_now(std::string_view token, session::Session& out) const = 0;
    virtual boost::asio::awaitable<BearerCheck> verify(std::string_view token, session::Session& out) const = 0;
};

// The token of an `Authorization: Bearer <token>` header value (the scheme is case-insensitive), or empty.
std::string_view bearer_token_of(std::string_view authorization);

}  // namespace gh::gate
