#pragma once
// The IdP settings of the options, as oidc::Provider takes them (the server and `gatehouse doctor`).
#include "oidc/provider.hpp"
#include "options/options.hpp"

namespace gh::app {

oidc::ProviderConfig provider_config(const options::Options& o);

// What the provider learns through its own API after the tokens (GitHub's user, GitLab's, Entra ID's or Google's
// groups, Google's hosted domain), or nullptr.
std::shared_ptr<const oidc::IdentityCompletion> identity_completion(const options::Options& o,
                                                                    const http::HttpClient& client, const Clock& clock);

// One of --extra-jwt-issuers, as a provider that is only discovered and keyed (bearer tokens, never a login).
oidc::ProviderConfig jwt_issuer_config(const options::Options& o, const options::Options::JwtIssuer& issuer);

// The audiences a bearer token from the login's IdP may carry: the client id and --oidc-extra-audience.
std::vector<std::string> login_audiences(const options::Options& o);

}  // namespace gh::app
