#include "oidc/providers/gitlab_groups.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <cctype>

#include "oidc/providers/api_call.hpp"

namespace gh::providers {

namespace {

// A project path as one segment of the API's URL (group/project -> group%2Fproject).
std::string path_segment(std::string_view path) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~')
            out += c;
        else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

// The access level a project answer grants: the higher of the project's and its group's.
int access_level(const nlohmann::json& project) {
    int level = 0;
    const auto permissions = project.is_object() ? project.find("permissions") : project.end();
    if (!project.is_object() || permissions == project.end() || !permissions->is_object()) return level;
    for (const char* kind : {"project_access", "group_access"}) {
        const auto access = permissions->find(kind);
        if (access == permissions->end() || !access->is_object()) continue;
        const auto value = access->find("access_level");
        if (value != access->end() && value->is_number_integer()) level = std::max(level, value->get<int>());
    }
    return level;
}

// scheme://host[:port] of a URL (GitLab's API is at the root of the host that signs users in).
std::string origin_of(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return {};
    return url.substr(0, url.find('/', scheme_end + 3));
}

}  // namespace

GitlabGroups::GitlabGroups(std::vector<std::string> allowed_groups, std::vector<GitlabProject> projects,
                           const http::HttpClient& client)
    : allowed_(std::move(allowed_groups)), projects_(std::move(projects)), client_(client) {}

boost::asio::awaitable<std::optional<oidc::RedeemResult>> GitlabGroups::add_projects(
    oidc::LoginTokens& tokens, const oidc::Endpoints& endpoints) const {
    const std::string api = origin_of(endpoints.authorization) + "/api/v4/projects/";
    for (const auto& project : projects_) {
        Headers headers{{"Authorization", "Bearer " + tokens.access_token}, {"Accept", "application/json"}};
        const ApiResult r = co_await api_get(client_, api + path_segment(project.path), std::move(headers));
        // GitLab hides a project the user may not see (404) or refuses the token (401, 403): not a member.
        if (r.status == 404 || r.status == 403) continue;
        if (!r.error.empty())
            co_return completion_failure("GitLab project " + project.path + ": " + r.error, r.status == 401);
        const auto archived = r.body.is_object() ? r.body.find("archived") : r.body.end();
        if (r.body.is_object() && archived != r.body.end() && archived->is_boolean() && archived->get<bool>()) continue;
        if (access_level(r.body) >= project.access_level) tokens.identity.groups.push_back("project:" + project.path);
    }
    co_return std::nullopt;
}

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
    const std::size_t groups_only = id.groups.size();
    const auto failed = co_await add_projects(tokens, endpoints);
    if (failed) co_return failed;
    if (allowed_.empty() && projects_.empty()) co_return std::nullopt;
    const bool member = id.groups.size() > groups_only ||
                        std::any_of(allowed_.begin(), allowed_.end(), [&](const std::string& allowed) {
                            return std::any_of(id.groups.begin(), id.groups.end(),
                                               [&](const std::string& g) { return boost::beast::iequals(g, allowed); });
                        });
    if (!member)
        co_return completion_failure("'" + (id.preferred_username.empty() ? id.user : id.preferred_username) +
                                         (projects_.empty() ? "' is in none of --gitlab-group"
                                                            : "' is in none of --gitlab-group and --gitlab-project"),
                                     true, true);
    co_return std::nullopt;
}

}  // namespace gh::providers
