#include "app/verifiers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "app/provider_config.hpp"

namespace gh::app {

Verifiers make_verifiers(const options::Options& o, const http::HttpClient& client, const Clock& clock,
                         const WatchedFiles& files) {
    Verifiers v;
    v.provider =
        std::make_unique<oidc::Provider>(provider_config(o), client, clock, identity_completion(o, client, clock));
    // Each discovered like the login's IdP, for its keys (bearer tokens only).
    for (const auto& extra : o.extra_jwt_issuers)
        v.extra_issuers.push_back(std::make_unique<oidc::Provider>(jwt_issuer_config(o, extra), client, clock));
    if (o.skip_jwt_bearer_tokens) {
        // A plain OAuth 2.0 provider (GitHub) issues no JWTs: only --extra-jwt-issuers' tokens count then.
        std::vector<credentials::BearerTokens::Issuer> issuers;
        if (!v.provider->config().oauth2_only) issuers.push_back({v.provider.get(), login_audiences(o)});
        for (std::size_t i = 0; i < v.extra_issuers.size(); ++i)
            issuers.push_back({v.extra_issuers[i].get(), {o.extra_jwt_issuers[i].audience}});
        v.bearer = std::make_unique<credentials::BearerTokens>(std::move(issuers), clock);
    }
    if (files.htpasswd)
        v.basic = std::make_unique<credentials::BasicAuth>(*files.htpasswd, o.htpasswd_user_groups, clock);
    return v;
}

void initialise_providers(boost::asio::io_context& io, const Verifiers& verifiers) {
    boost::asio::co_spawn(io, verifiers.provider->initialise(), boost::asio::detached);
    for (const auto& extra : verifiers.extra_issuers)
        boost::asio::co_spawn(io, extra->initialise(), boost::asio::detached);
}

}  // namespace gh::app
