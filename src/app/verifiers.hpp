#pragma once
// Who vouches for a user besides a session cookie: the login's IdP, the --extra-jwt-issuers whose bearer tokens
// count, and the verifiers of machine credentials that the gate asks (bearer tokens, htpasswd passwords).
#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "app/watched_files.hpp"
#include "clock/clock.hpp"
#include "credentials/basic_auth.hpp"
#include "credentials/bearer_tokens.hpp"
#include "gate/gate.hpp"
#include "http/client.hpp"
#include "oidc/provider.hpp"
#include "options/options.hpp"

namespace gh::app {

struct Verifiers {
    std::unique_ptr<oidc::Provider> provider;                    // the login's IdP
    std::vector<std::unique_ptr<oidc::Provider>> extra_issuers;  // --extra-jwt-issuers: their keys only
    std::unique_ptr<credentials::BearerTokens> bearer;           // --skip-jwt-bearer-tokens; else null
    std::unique_ptr<credentials::BasicAuth> basic;               // --htpasswd-file; else null

    gate::CredentialVerifiers for_gate() const {
        return {.bearer = bearer.get(), .basic = basic.get(), .passwords = basic.get()};
    }
};

// `client`, `clock` and `files` must outlive the verifiers.
Verifiers make_verifiers(const options::Options& o, const http::HttpClient& client, const Clock& clock,
                         const WatchedFiles& files);

// Discovery and key loading on `io`, beside the I/O threads, each retried until its IdP answers: Gatehouse
// starts (and /ping answers) even when an IdP is down; /ready waits for the login's.
void initialise_providers(boost::asio::io_context& io, const Verifiers& verifiers);

}  // namespace gh::app
