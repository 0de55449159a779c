#include "doctor/idp_checks.hpp"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "text/http_date.hpp"

namespace gh::doctor {
namespace {

// ID token checks tolerate this much (oidc::TokenExpectations::skew); past half of it, warn.
constexpr std::int64_t kTolerated = 60;
constexpr std::int64_t kWarnAt = 15;

std::string discovery_url(const options::Options& o) {
    std::string base = o.oidc_issuer_url;
    while (base.ends_with('/')) base.pop_back();
    return base + "/.well-known/openid-configuration";
}

}  // namespace


Finding clock_finding(std::int64_t skew, std::string_view idp_host) {
    const std::int64_t size = skew < 0 ? -skew : skew;
    const std::string how = std::to_string(size) + " s " + (skew < 0 ? "behind" : "ahead of") + " the IdP (" +
                            std::string(idp_host) + ")";
    if (size > kTolerated)
        return {Severity::error, "clock",
                "this machine's clock is " + how + ", more than the " + std::to_string(kTolerated) +
                    " s tolerated: fresh ID tokens fail as expired or issued in the future, and sign-in never completes",
                "synchronise the clocks (NTP, chrony or systemd-timesyncd) on this node and on the IdP"};
    if (size > kWarnAt)
        return {Severity::warning, "clock", "this machine's clock is " + how + "; " + std::to_string(kTolerated) +
                                                " s are tolerated",
                "synchronise the clocks (NTP) before the difference grows"};
    return {Severity::ok, "clock", "in step with the IdP (" + std::to_string(size) + " s apart)", {}};
}

boost::asio::awaitable<void> check_idp(const options::Options& o, oidc::Provider& provider,
                                       const http::HttpClient& client, Findings& out) {
    const std::string error = co_await provider.try_once();
    if (!error.empty()) {
        out.push_back({Severity::error, "idp",
                       error + ": Gatehouse starts, but /ready stays 503 and no one can sign in",
                       "check --oidc-issuer-url (it must equal the issuer the IdP announces), DNS and network "
                       "policy from this pod to the IdP, and --provider-ca-file for a private CA"});
        co_return;
    }
    const auto endpoints = provider.endpoints();
    if (provider.config().oauth2_only) {
        // GitHub: nothing to discover and no keys; its API answers only with a user's token, at sign-in.
        out.push_back({Severity::ok, "idp", "plain OAuth 2.0 endpoints from flags: " + endpoints->authorization, {}});
        co_return;
    }
    out.push_back({Severity::ok, "idp",
                   (o.skip_oidc_discovery ? std::string("endpoints from flags") : "discovery at " + discovery_url(o)) +
                       " answered; the signing keys load",
                   {}});
    // What the server does not need but the doctor wants: the IdP's clock, and PKCE support.
    const std::string url = o.skip_oidc_discovery ? endpoints->jwks : discovery_url(o);
    http::ClientRequest req{"GET", url, {}, {}};
    const auto r = co_await client.fetch(std::move(req));
    if (!r.response) co_return;
    if (!o.skip_oidc_discovery && o.code_challenge_method != "plain") {
        const auto doc = nlohmann::json::parse(r.response->body, nullptr, false);
        const auto methods = doc.is_object() ? doc.find("code_challenge_methods_supported") : doc.end();
        if (doc.is_object() && methods != doc.end() && methods->is_array() &&
            std::find(methods->begin(), methods->end(), o.code_challenge_method) == methods->end())
            out.push_back({Severity::warning, "idp",
                           "the IdP does not list PKCE method " + o.code_challenge_method +
                               " in code_challenge_methods_supported; it may refuse the sign-in",
                           "enable PKCE (S256) for this client at the IdP"});
    }
    const auto idp_time = text::parse_http_date(r.response->date);
    if (!idp_time) {
        out.push_back({Severity::skipped, "clock", "the IdP sent no usable Date header; clock difference unknown", {}});
        co_return;
    }
    const auto host_start = url.find("://");
    const std::string host = url.substr(host_start + 3, url.find('/', host_start + 3) - host_start - 3);
    out.push_back(clock_finding(static_cast<std::int64_t>(std::time(nullptr)) - *idp_time, host));
}

}  // namespace gh::doctor
