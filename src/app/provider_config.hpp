#pragma once
// The IdP settings of the options, as oidc::Provider takes them (the server and `gatehouse doctor`).
#include "oidc/provider.hpp"
#include "options/options.hpp"

namespace gh::app {

oidc::ProviderConfig provider_config(const options::Options& o);

}  // namespace gh::app
