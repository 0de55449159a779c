#pragma once
// --provider=google: Google is OpenID Connect (issuer https://accounts.google.com). Two checks follow the ID token:
//   - with --email-domain set to domains (not *), the account must belong to the Google Workspace of one of them:
//     its `hd` (hosted domain) claim says so. An address alone does not, since anyone can make a consumer Google
//     account with a company address (Google's own advice: check hd);
//   - with a service account (--google-service-account-json, --google-admin-email), the groups come from the
//     Directory API, and --google-group (any of them) decides who may sign in; the session's groups are those of
//     --google-group the user belongs to, or without it all the user's direct groups.
#include <memory>
#include <string>
#include <vector>

#include "oidc/provider.hpp"
#include "oidc/providers/google_directory.hpp"

namespace gh::providers {

// Why an ID token's claims are not of a Workspace account in `domains` (empty: any account), or empty.
std::string hosted_domain_refusal(const nlohmann::json& claims, const std::vector<std::string>& domains);

class GoogleAccount final : public oidc::IdentityCompletion {
public:
    // `directory`: nullptr without a service account (no groups).
    GoogleAccount(std::vector<std::string> hosted_domains, std::vector<std::string> groups,
                  std::unique_ptr<GoogleDirectory> directory);

    boost::asio::awaitable<std::optional<oidc::RedeemResult>> complete(oidc::LoginTokens& tokens,
                                                                       const nlohmann::json& id_claims,
                                                                       const oidc::Endpoints& endpoints) const override;

private:
    std::vector<std::string> hosted_domains_;
    std::vector<std::string> groups_;
    std::unique_ptr<GoogleDirectory> directory_;
};

}  // namespace gh::providers
