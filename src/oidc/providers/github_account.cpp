#include "oidc/providers/github_account.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <cctype>

#include "oidc/providers/api_call.hpp"

namespace gh::providers {
namespace {

using json = nlohmann::json;
using boost::beast::iequals;
// 100 per page (GitHub's largest) and at most 10 pages: a thousand organisations or teams.
constexpr int kMaxPages = 10;

std::string text(const json& j, const char* name) {
    const auto it = j.is_object() ? j.find(name) : j.end();
    return j.is_object() && it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// A boolean member that is true (absent, or of another type: false).
bool flag(const json& j, const char* name) {
    const auto it = j.is_object() ? j.find(name) : j.end();
    return j.is_object() && it != j.end() && it->is_boolean() && it->get<bool>();
}

bool contains_no_case(const std::vector<std::string>& list, std::string_view value) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& v) { return iequals(v, value); });
}

}  // namespace

std::string github_refusal(const GithubRules& rules, const std::string& login, const std::vector<std::string>& orgs,
                           const std::vector<std::string>& teams) {
    if (contains_no_case(rules.users, login)) return {};
    // Without an org, --github-repo decides (GithubAccount::check_repo) for everyone not listed.
    if (rules.org.empty())
        return rules.users.empty() || !rules.repo.empty() ? std::string{} : "'" + login + "' is not in --github-user";
    if (rules.teams.empty())
        return contains_no_case(orgs, rules.org) ? std::string{}
                                                 : "'" + login + "' is not a member of --github-org " + rules.org;
    for (const auto& team : rules.teams)
        if (contains_no_case(teams, rules.org + ":" + team)) return {};
    return "'" + login + "' is in none of --github-team in " + rules.org;
}

std::string github_api_base(std::string_view validate_url) {
    validate_url = validate_url.substr(0, validate_url.find_first_of("?#"));
    const auto scheme_end = validate_url.find("://");
    const auto path_at = scheme_end == std::string_view::npos ? std::string_view::npos : validate_url.find('/', scheme_end + 3);
    if (path_at == std::string_view::npos) return std::string(validate_url) + "/";
    const std::string_view origin = validate_url.substr(0, path_at);
    std::string_view path = validate_url.substr(path_at);
    if (path.starts_with("/api/v")) {
        std::size_t end = 6;
        while (end < path.size() && path[end] >= '0' && path[end] <= '9') ++end;
        if (end > 6) path = path.substr(0, end);
    }
    std::string base = std::string(origin) + std::string(path);
    if (!base.ends_with('/')) base += '/';
    return base;
}

GithubAccount::GithubAccount(std::string_view validate_url, GithubRules rules, const http::HttpClient& client)
    : api_(github_api_base(validate_url)), rules_(std::move(rules)), client_(client) {}

boost::asio::awaitable<std::optional<oidc::RedeemResult>> GithubAccount::complete(oidc::LoginTokens& tokens,
                                                                                  const json&,
                                                                                  const oidc::Endpoints&) const {
    const Headers headers{{"Authorization", "Bearer " + tokens.access_token},
                          {"Accept", "application/vnd.github+json"},
                          {"X-GitHub-Api-Version", "2022-11-28"},
                          {"User-Agent", "gatehouse"}};
    const ApiResult user = co_await api_get(client_, api_ + "user", headers);
    // A token GitHub no longer accepts (revoked, expired) is a refusal; anything else, GitHub being unreachable.
    if (!user.error.empty())
        co_return completion_failure("GitHub /user: " + user.error, user.status == 401 || user.status == 403);
    const std::string login = text(user.body, "login");
    if (login.empty()) co_return completion_failure("GitHub /user names no login", true);

    json emails = json::array();
    const ApiResult listed =
        co_await api_get_all(client_, api_ + "user/emails?per_page=100", headers, api_, "", kMaxPages, emails);
    if (!listed.error.empty())
        co_return completion_failure("GitHub /user/emails: " + listed.error, listed.status == 401);
    std::string email;
    for (const auto& e : emails)
        if (e.is_object() && e.value("primary", false) && e.value("verified", false)) email = text(e, "email");
    if (email.empty())
        co_return completion_failure("'" + login + "' has no verified primary e-mail on GitHub", true, true);

    // Organisations and teams need the read:org scope; without rules that need them, a refusal leaves no groups.
    const bool needed = !rules_.org.empty();
    json orgs_seen = json::array(), teams_seen = json::array();
    const ApiResult orgs =
        co_await api_get_all(client_, api_ + "user/orgs?per_page=100", headers, api_, "", kMaxPages, orgs_seen);
    if (!orgs.error.empty() && needed) co_return completion_failure("GitHub /user/orgs: " + orgs.error, false);
    const ApiResult teams =
        co_await api_get_all(client_, api_ + "user/teams?per_page=100", headers, api_, "", kMaxPages, teams_seen);
    if (!teams.error.empty() && needed && !rules_.teams.empty())
        co_return completion_failure("GitHub /user/teams: " + teams.error, false);

    std::vector<std::string> org_names, team_names;
    if (orgs.error.empty())
        for (const auto& o : orgs_seen)
            if (auto name = text(o, "login"); !name.empty()) org_names.push_back(std::move(name));
    if (teams.error.empty())
        for (const auto& t : teams_seen) {
            const std::string org = t.is_object() && t.contains("organization") ? text(t["organization"], "login") : "";
            const std::string slug = text(t, "slug");
            if (!org.empty() && !slug.empty()) team_names.push_back(org + ":" + slug);
        }
    if (auto why = github_refusal(rules_, login, org_names, team_names); !why.empty())
        co_return completion_failure(std::move(why), true, true);
    if (rules_.org.empty() && !rules_.repo.empty() && !contains_no_case(rules_.users, login)) {
        const auto refused = co_await check_repo(login, tokens.access_token);
        if (refused) co_return refused;
    }

    oidc::Identity& id = tokens.identity;
    id.user = login;
    id.preferred_username = login;
    id.email = email;
    id.groups = std::move(org_names);
    id.groups.insert(id.groups.end(), team_names.begin(), team_names.end());
    co_return std::nullopt;
}

boost::asio::awaitable<std::optional<oidc::RedeemResult>> GithubAccount::check_repo(
    const std::string& login, const std::string& user_token) const {
    // A login goes into a URL path: GitHub's are letters, digits and hyphens; anything else is no collaborator.
    if (login.empty() || !std::all_of(login.begin(), login.end(),
                                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
        co_return completion_failure("'" + login + "' is not a GitHub login", true, true);
    const auto headers = [](const std::string& token) {
        return Headers{{"Authorization", "Bearer " + token},
                       {"Accept", "application/vnd.github+json"},
                       {"X-GitHub-Api-Version", "2022-11-28"},
                       {"User-Agent", "gatehouse"}};
    };
    if (!rules_.token.empty()) {
        // GitHub answers 204 for a collaborator and 404 for anyone else.
        Headers with_repo_token = headers(rules_.token);
        const ApiResult r = co_await api_get(client_, api_ + "repos/" + rules_.repo + "/collaborators/" + login,
                                             std::move(with_repo_token));
        if (r.status == 204) co_return std::nullopt;
        if (r.status == 404)
            co_return completion_failure("'" + login + "' is not a collaborator of --github-repo " + rules_.repo, true,
                                         true);
        co_return completion_failure("GitHub collaborators of " + rules_.repo + ": " + r.error, false);
    }
    // Everyone may pull from a public repository: only push counts there, pull as well when it is private.
    Headers with_user_token = headers(user_token);
    const ApiResult r = co_await api_get(client_, api_ + "repos/" + rules_.repo, std::move(with_user_token));
    if (r.status == 404 || r.status == 403)
        co_return completion_failure("'" + login + "' cannot see --github-repo " + rules_.repo, true, true);
    if (!r.error.empty())
        co_return completion_failure("GitHub repository " + rules_.repo + ": " + r.error, r.status == 401);
    const auto it = r.body.is_object() ? r.body.find("permissions") : r.body.end();
    const json none = json::object();
    const json& permissions = r.body.is_object() && it != r.body.end() ? *it : none;
    if (flag(permissions, "push") || (flag(r.body, "private") && flag(permissions, "pull"))) co_return std::nullopt;
    co_return completion_failure("'" + login + "' has no push access to --github-repo " + rules_.repo, true, true);
}

}  // namespace gh::providers
