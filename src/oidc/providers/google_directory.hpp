#pragma once
// Google Workspace groups, read from the Admin SDK Directory API as a service account acting for an
// administrator (domain-wide delegation): the service account signs a JWT with its own key and trades it for an
// access token (RFC 7523, at the key's token_uri), kept until shortly before it expires and shared by every thread.
// Membership is asked with groups/{group}/hasMember/{user}, which counts nested groups; without configured groups,
// the user's own groups are listed (direct memberships).
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "concurrent/published.hpp"
#include "crypto/rsa_signer.hpp"
#include "http/client.hpp"
#include "oidc/providers/service_account.hpp"
#include "clock/clock.hpp"

namespace gh::providers {

struct GroupsResult {
    std::vector<std::string> groups;  // group e-mail addresses
    std::string error;                // the Directory API (or its token) failed: fail closed
};

// The claims of a service account's token request (RFC 7523 §3), as JSON.
std::string service_account_claims(const ServiceAccount& account,
                                   const std::string& admin_email, std::int64_t now);

class GoogleDirectory {
public:
    GoogleDirectory(ServiceAccount account, std::string admin_email, std::string directory_url,
                    const http::HttpClient& client, const Clock& clock);

    // Which of `groups` `email` belongs to (directly or through other groups).
    boost::asio::awaitable<GroupsResult> member_of(const std::string& email,
                                                   const std::vector<std::string>& groups) const;
    // Every group `email` is a direct member of.
    boost::asio::awaitable<GroupsResult> groups_of(const std::string& email) const;

private:
    struct Token {
        std::string value;
        std::int64_t expires_at = 0;
    };
    // A valid access token for the Directory API, fetched when none is cached; empty and `error` set on failure.
    boost::asio::awaitable<std::string> access_token(std::string& error) const;

    ServiceAccount account_;
    crypto::RsaSigner signer_;
    std::string admin_email_;
    std::string directory_;
    const http::HttpClient& client_;
    const Clock& clock_;
    mutable concurrent::Published<Token> token_;
};

}  // namespace gh::providers
