#pragma once
// The IdP as Gatehouse will meet it: discovery and keys (the server's own code, one attempt), PKCE support,
// and the clock difference that would make fresh ID tokens look expired or not yet valid.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "doctor/finding.hpp"
#include "http/client.hpp"
#include "oidc/provider.hpp"
#include "options/options.hpp"

namespace gh::doctor {

boost::asio::awaitable<void> check_idp(const options::Options& o, oidc::Provider& provider,
                                       const http::HttpClient& client, Findings& out);

// The finding for the difference between our clock and the IdP's (seconds, ours minus theirs).
Finding clock_finding(std::int64_t skew_seconds, std::string_view idp_host);

}  // namespace gh::doctor
