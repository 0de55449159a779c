#pragma once
// --provider=azure / entra-id: Microsoft Entra ID puts a user's groups (object IDs) in the ID token's `groups`
// claim, but only up to a limit (200 in a JWT). Past it the token names no groups and says where they are instead
// (`_claim_names`/`_claim_sources`, OIDC Core §5.6.2's distributed claims: the "groups overage"). Then the groups
// are read from Microsoft Graph with the user's access token: /me/transitiveMemberOf (groups through other groups
// too, as Entra's own claim counts them), every page (@odata.nextLink). The app needs the GroupMember.Read.All
// permission for that call; without an overage no call is made.
#include <string>
#include <vector>

#include "http/client.hpp"
#include "oidc/provider.hpp"

namespace gh::providers {

// Whether verified ID token `claims` say that `groups_claim` was too big to hold.
bool has_groups_overage(const nlohmann::json& claims, const std::string& groups_claim);

class EntraGroups final : public oidc::IdentityCompletion {
public:
    // `graph`: Microsoft Graph's base URL (https://graph.microsoft.com, or a national cloud's).
    // `allowed_tenants` (--entra-id-allowed-tenant): the token's `tid` must be one of them (empty: any tenant the
    // issuer accepts).
    EntraGroups(std::string graph, std::string groups_claim, std::vector<std::string> allowed_tenants,
                const http::HttpClient& client);

    boost::asio::awaitable<std::optional<oidc::RedeemResult>> complete(oidc::LoginTokens& tokens,
                                                                       const nlohmann::json& id_claims,
                                                                       const oidc::Endpoints& endpoints) const override;

private:
    std::string graph_;
    std::string groups_claim_;
    std::vector<std::string> allowed_tenants_;
    const http::HttpClient& client_;
};

}  // namespace gh::providers
