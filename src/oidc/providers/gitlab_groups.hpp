#pragma once
// --provider=gitlab: GitLab is OpenID Connect, but its ID token names only the groups a user joined directly
// (groups_direct); its userinfo endpoint names them all (`groups`, full paths such as "acme/platform"). So after the
// ID token verified, the groups come from userinfo with the user's access token, and --gitlab-group (any of them)
// decides who may sign in. The userinfo answer must be about the same user (`sub`, OIDC Core §5.3.2).
// --gitlab-project (oauth2-proxy's): a member of the project at the given access level or above (GET
// /api/v4/projects/<path> on the GitLab host, with the user's token) gets the group "project:<path>", and such a
// project lets its members in as a listed group does.
#include <string>
#include <vector>

#include "http/client.hpp"
#include "oidc/provider.hpp"

namespace gh::providers {

struct GitlabProject {
    std::string path;       // group/project
    int access_level = 20;  // GitLab's: 10 guest, 20 reporter, 30 developer, 40 maintainer, 50 owner
};

class GitlabGroups final : public oidc::IdentityCompletion {
public:
    GitlabGroups(std::vector<std::string> allowed_groups, std::vector<GitlabProject> projects,
                 const http::HttpClient& client);

    boost::asio::awaitable<std::optional<oidc::RedeemResult>> complete(oidc::LoginTokens& tokens,
                                                                       const nlohmann::json& id_claims,
                                                                       const oidc::Endpoints& endpoints) const override;

private:
    // The projects of --gitlab-project the user's token reaches at their level, as groups "project:<path>".
    boost::asio::awaitable<std::optional<oidc::RedeemResult>> add_projects(oidc::LoginTokens& tokens,
                                                                           const oidc::Endpoints& endpoints) const;

    std::vector<std::string> allowed_;
    std::vector<GitlabProject> projects_;
    const http::HttpClient& client_;
};

}  // namespace gh::providers
