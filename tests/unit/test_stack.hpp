#pragma once
// The components behind a request, built from a command line, with a manual clock: for tests of the
// gate and of the endpoints.
#include <memory>

#include "app/router.hpp"
#include "options/component_configs.hpp"
#include "session/cookie_session_store.hpp"
#include "gate/gate.hpp"
#include "http/proxy_trust.hpp"
#include "test_options.hpp"
#include "test_sessions.hpp"

namespace gh::test {

struct Stack {
    explicit Stack(std::vector<std::string> extra_flags)
        : options(std::make_shared<const options::Options>(must_parse(base_args(std::move(extra_flags))))),
          store(crypto::as_bytes(options->cookie_secret.reveal()), options->cookie_name),
          gate(options::gate_config(*options), store, clock),
          client(http::ClientOptions{}),
          provider(oidc::ProviderConfig{}, client, clock),
          router(options, store, gate, provider, clock),
          trust(options->reverse_proxy, options->trusted_ips, options->real_client_ip_header) {}

    // A request's peer as the server would record it: `address` on a connection judged by the options'
    // --reverse-proxy and --trusted-ip.
    http::Peer peer(const std::string& address = "127.0.0.1") const {
        return trust.peer(boost::asio::ip::make_address(address));
    }

    // The Cookie header a browser holding `s` would send.
    std::string cookie_for(const session::Session& s) const {
        std::string header;
        for (const auto& c : store.save(s, session::CookieJar{}, session::CookieAttributes{}, clock.now())) {
            if (!header.empty()) header += "; ";
            header += c.substr(0, c.find(';'));
        }
        return header;
    }

    ManualClock clock{kNow};
    std::shared_ptr<const options::Options> options;
    session::CookieSessionStore store;
    gate::Gate gate;
    http::HttpClient client;
    oidc::Provider provider;  // never initialised here: no IdP in unit tests
    app::Router router;
    http::ProxyTrust trust;
};

}  // namespace gh::test
