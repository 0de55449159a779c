#pragma once
// --provider=gitlab: GitLab is OpenID Connect, but its ID token names only the groups a user joined directly
// (groups_direct); its userinfo endpoint names them all (`groups`, full paths such as "acme/platform"). So after the
// ID token verified, the groups come from userinfo with the user's access token, and --gitlab-group (any of them)
// decides who may sign in. The userinfo answer must be about the same user (`sub`, OIDC Core §5.3.2).
#include <string>
#include <vector>

#include "http/client.hpp"
#include "oidc/provider.hpp"

namespace gh::providers {

class GitlabGroups final : public oidc::IdentityCompletion {
public:
    GitlabGroups(std::vector<std::string> allowed_groups, const http::HttpClient& client);

    boost::asio::awaitable<std::optional<oidc::RedeemResult>> complete(oidc::LoginTokens& tokens,
                                                                       const nlohmann::json& id_claims,
                                                                       const oidc::Endpoints& endpoints) const override;

private:
    std::vector<std::string> allowed_;
    const http::HttpClient& client_;
};

}  // namespace gh::providers
