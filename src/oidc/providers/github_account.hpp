#pragma once
// --provider=github: GitHub signs users in with plain OAuth 2.0 (no ID token), so who they are comes from its REST
// API with their access token: GET /user (the login), /user/emails (the primary address, only when verified),
// /user/orgs and /user/teams (groups "org" and "org:team-slug", as oauth2-proxy names them). --github-org,
// --github-team and --github-user decide who may sign in, as in oauth2-proxy: a listed user always; otherwise a
// member of the org (of one of the teams when teams are given); everyone when none of the three is set. Without an
// org, --github-repo admits the repository's collaborators: with --github-token, those GitHub lists as collaborators
// (asked with that token); without it, those who may push to it (or pull from it, when it is private).
#include <string>
#include <vector>

#include "http/client.hpp"
#include "oidc/provider.hpp"

namespace gh::providers {

struct GithubRules {
    std::string org;
    std::vector<std::string> teams;  // team slugs within `org`
    std::vector<std::string> users;  // logins allowed whatever their org
    std::string repo;                // "owner/name": without `org`, its collaborators may sign in
    std::string token;               // a token with push access to `repo`, to ask who its collaborators are
};

// The REST API's base URL (ending in '/') that --validate-url names, as oauth2-proxy's GitHub provider derives it:
// a path that starts with /api/v<digits> is cut there (GitHub Enterprise's ".../api/v3/", Gitea's
// ".../api/v1/user/emails"), any other path is the base (https://api.github.com/). Query and fragment dropped.
std::string github_api_base(std::string_view validate_url);

// Whether a user with `login`, member of `orgs` and `teams` ("org:slug"), may sign in; why not otherwise.
std::string github_refusal(const GithubRules& rules, const std::string& login, const std::vector<std::string>& orgs,
                           const std::vector<std::string>& teams);

class GithubAccount final : public oidc::IdentityCompletion {
public:
    // `validate_url`: --validate-url, whose API base (github_api_base) the calls go to.
    GithubAccount(std::string_view validate_url, GithubRules rules, const http::HttpClient& client);
    const std::string& api_base() const { return api_; }

    boost::asio::awaitable<std::optional<oidc::RedeemResult>> complete(oidc::LoginTokens& tokens,
                                                                       const nlohmann::json& id_claims,
                                                                       const oidc::Endpoints& endpoints) const override;

private:
    // Why `login` may not sign in under --github-repo (empty: a collaborator), or the failure to find out.
    boost::asio::awaitable<std::optional<oidc::RedeemResult>> check_repo(const std::string& login,
                                                                         const std::string& user_token) const;

    std::string api_;
    GithubRules rules_;
    const http::HttpClient& client_;
};

}  // namespace gh::providers
