#include "oidc/providers/entra_groups.hpp"

#include <algorithm>

#include "oidc/providers/api_call.hpp"

namespace gh::providers {
namespace {

using json = nlohmann::json;
// 999 to a page (Graph's largest for this call) and at most 50 pages.
constexpr int kMaxPages = 50;

}  // namespace

bool has_groups_overage(const json& claims, const std::string& groups_claim) {
    const auto names = claims.is_object() ? claims.find("_claim_names") : claims.end();
    if (claims.is_object() && names != claims.end() && names->is_object() && names->contains(groups_claim)) return true;
    // The implicit flow's form of the same news.
    const auto has = claims.is_object() ? claims.find("hasgroups") : claims.end();
    return claims.is_object() && has != claims.end() && has->is_boolean() && has->get<bool>();
}

EntraGroups::EntraGroups(std::string graph, std::string groups_claim, std::vector<std::string> allowed_tenants,
                         const http::HttpClient& client)
    : graph_(std::move(graph)),
      groups_claim_(std::move(groups_claim)),
      allowed_tenants_(std::move(allowed_tenants)),
      client_(client) {
    while (graph_.ends_with('/')) graph_.pop_back();
}

boost::asio::awaitable<std::optional<oidc::RedeemResult>> EntraGroups::complete(oidc::LoginTokens& tokens,
                                                                                const json& id_claims,
                                                                                const oidc::Endpoints&) const {
    if (!allowed_tenants_.empty()) {
        // A multi-tenant app admits every tenant's users; the list narrows it, as oauth2-proxy's does. No tid
        // (or not a string) is no allowed tenant.
        const auto tid = id_claims.is_object() ? id_claims.find("tid") : id_claims.end();
        const bool named = id_claims.is_object() && tid != id_claims.end() && tid->is_string();
        if (!named || std::find(allowed_tenants_.begin(), allowed_tenants_.end(), tid->get<std::string>()) ==
                          allowed_tenants_.end())
            co_return completion_failure("tenant " +
                                             (named ? "'" + tid->get<std::string>() + "'" : std::string("(no tid)")) +
                                             " is not in --entra-id-allowed-tenant",
                                         true, true);
    }
    if (!tokens.has_identity || !has_groups_overage(id_claims, groups_claim_)) co_return std::nullopt;
    const Headers headers{{"Authorization", "Bearer " + tokens.access_token}, {"Accept", "application/json"}};
    std::string url = graph_ + "/v1.0/me/transitiveMemberOf/microsoft.graph.group?$select=id&$top=999";
    std::vector<std::string> groups;
    for (int page = 0; page < kMaxPages; ++page) {
        const ApiResult r = co_await api_get(client_, url, headers);
        // Graph refusing the token (or the permission) is as final as a refused login; Graph down is not.
        if (!r.error.empty())
            co_return completion_failure("Microsoft Graph (groups overage): " + r.error,
                                         r.status == 401 || r.status == 403);
        if (const auto value = r.body.find("value"); value != r.body.end() && value->is_array())
            for (const auto& g : *value)
                if (g.is_object() && g.contains("id") && g["id"].is_string())
                    groups.push_back(g["id"].get<std::string>());
        const auto next = r.body.find("@odata.nextLink");
        if (next == r.body.end() || !next->is_string()) {
            tokens.identity.groups = std::move(groups);
            co_return std::nullopt;
        }
        url = next->get<std::string>();
        // The user's token goes only to Graph itself.
        if (!url.starts_with(graph_ + "/"))
            co_return completion_failure("Microsoft Graph's next page is not on " + graph_, false);
    }
    co_return completion_failure("Microsoft Graph: more than " + std::to_string(kMaxPages) + " pages of groups", false);
}

}  // namespace gh::providers
