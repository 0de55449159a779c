#include "oidc/providers/google_account.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>

#include "oidc/providers/api_call.hpp"

namespace gh::providers {

std::string hosted_domain_refusal(const nlohmann::json& claims, const std::vector<std::string>& domains) {
    if (domains.empty()) return {};
    const auto hd = claims.is_object() ? claims.find("hd") : claims.end();
    if (!claims.is_object() || hd == claims.end() || !hd->is_string())
        return "not a Google Workspace account (no hd claim), so not of --email-domain";
    const std::string domain = hd->get<std::string>();
    if (std::any_of(domains.begin(), domains.end(),
                    [&](const std::string& d) { return boost::beast::iequals(d, domain); }))
        return {};
    return "a Google Workspace account of " + domain + ", not of --email-domain";
}

GoogleAccount::GoogleAccount(std::vector<std::string> hosted_domains, std::vector<std::string> groups,
                             std::unique_ptr<GoogleDirectory> directory)
    : hosted_domains_(std::move(hosted_domains)), groups_(std::move(groups)), directory_(std::move(directory)) {}

boost::asio::awaitable<std::optional<oidc::RedeemResult>> GoogleAccount::complete(oidc::LoginTokens& tokens,
                                                                                  const nlohmann::json& id_claims,
                                                                                  const oidc::Endpoints&) const {
    // A refresh without a new ID token keeps what the session has.
    if (!tokens.has_identity) co_return std::nullopt;
    oidc::Identity& id = tokens.identity;
    if (auto why = hosted_domain_refusal(id_claims, hosted_domains_); !why.empty())
        co_return completion_failure("'" + id.email + "' is " + why, true, true);
    if (!directory_) co_return std::nullopt;
    GroupsResult found;
    if (groups_.empty())
        found = co_await directory_->groups_of(id.email);
    else
        found = co_await directory_->member_of(id.email, groups_);
    // The Directory API down (or our delegation refused): fail closed, but the user may try again.
    if (!found.error.empty()) co_return completion_failure(found.error, false);
    if (!groups_.empty() && found.groups.empty())
        co_return completion_failure("'" + id.email + "' is in none of --google-group", true, true);
    id.groups = std::move(found.groups);
    co_return std::nullopt;
}

}  // namespace gh::providers
