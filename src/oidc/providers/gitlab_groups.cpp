#include "oidc/providers/gitlab_groups.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>

#include "oidc/providers/api_call.hpp"

namespace gh::providers {

GitlabGroups::GitlabGroups(std::vector<std::string> allowed_groups, const http::HttpClient& client)
    : allowed_(std::move(allowed_groups)), client_(client) {}

boost::asio::awaitable<std::optional<oidc::RedeemResult>> GitlabGroups::complete(
    oidc::LoginTokens& tokens, const nlohmann::json&, const oidc::Endpoints& endpoints) const {
    // A refresh without a new ID token keeps the groups the session has.
    if (!tokens.has_identity) co_return std::nullopt;
    if (endpoints.userinfo.empty()) co_return completion_failure("GitLab names no userinfo endpoint", false);
    // Named: GCC 12 mishandles braced temporaries in a co_await call.
    Headers headers{{"Authorization", "Bearer " + tokens.access_token}, {"Accept", "application/json"}};
    const ApiResult info = co_await api_get(client_, endpoints.userinfo, std::move(headers));
    if (!info.error.empty())
        co_return completion_failure("GitLab userinfo: " + info.error, info.status == 401 || info.status == 403);
    oidc::Identity& id = tokens.identity;
    if (!info.body.is_object() || info.body.value("sub", std::string{}) != id.user)
        co_return completion_failure("GitLab userinfo is about another user than the ID token", true);
    id.groups.clear();
    if (const auto it = info.body.find("groups"); it != info.body.end() && it->is_array())
        for (const auto& g : *it)
            if (g.is_string()) id.groups.push_back(g.get<std::string>());
    if (allowed_.empty()) co_return std::nullopt;
    const bool member = std::any_of(allowed_.begin(), allowed_.end(), [&](const std::string& allowed) {
        return std::any_of(id.groups.begin(), id.groups.end(),
                           [&](const std::string& g) { return boost::beast::iequals(g, allowed); });
    });
    if (!member)
        co_return completion_failure(
            "'" + (id.preferred_username.empty() ? id.user : id.preferred_username) + "' is in none of --gitlab-group",
            true, true);
    co_return std::nullopt;
}

}  // namespace gh::providers
