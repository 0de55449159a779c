#pragma once
// The configuration, split into what each component reads: each built from the parsed Options in its own file
// here (options/<component>_config.cpp), so that a component includes only its own config, never Options.
#include "doors/config.hpp"
#include "doors/envoy_grpc/config.hpp"
#include "gate/config.hpp"
#include "identity/config.hpp"
#include "login/config.hpp"
#include "options/options.hpp"
#include "proxy/config.hpp"
#include "session/cookie_policy.hpp"

namespace gh::options {

identity::Config identity_config(const Options& o);
gate::Config gate_config(const Options& o);
session::CookiePolicy cookie_policy(const Options& o);
login::Config login_config(const Options& o);
doors::Config doors_config(const Options& o);
proxy::Config proxy_config(const Options& o);
doors::envoy_grpc::ServerConfig grpc_config(const Options& o);

}  // namespace gh::options
