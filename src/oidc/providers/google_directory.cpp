#include "oidc/providers/google_directory.hpp"

#include <nlohmann/json.hpp>

#include "crypto/base64.hpp"
#include "http/form.hpp"
#include "oidc/providers/api_call.hpp"

namespace gh::providers {
namespace {

using json = nlohmann::json;
constexpr const char* kScope = "https://www.googleapis.com/auth/admin.directory.group.readonly";
constexpr std::int64_t kAssertionLifetime = 3600;  // the longest Google accepts
constexpr int kMaxPages = 20;                      // of 200 groups

std::string b64(std::string_view text) {
    return crypto::base64url_encode(crypto::as_bytes(text));
}

}  // namespace

std::string service_account_claims(const ServiceAccount& account,
                                   const std::string& admin_email, std::int64_t now) {
    return json{{"iss", account.client_email}, {"sub", admin_email}, {"scope", kScope},
                {"aud", account.token_uri},    {"iat", now},         {"exp", now + kAssertionLifetime}}
        .dump();
}

GoogleDirectory::GoogleDirectory(ServiceAccount account, std::string admin_email,
                                 std::string directory_url, const http::HttpClient& client, const Clock& clock)
    : account_(std::move(account)),
      // Checked when the options were built: the key parses.
      signer_(*crypto::RsaSigner::from_pem(account_.private_key.reveal())),
      admin_email_(std::move(admin_email)),
      directory_(std::move(directory_url)),
      client_(client),
      clock_(clock) {
    while (directory_.ends_with('/')) directory_.pop_back();
}

boost::asio::awaitable<std::string> GoogleDirectory::access_token(std::string& error) const {
    const std::int64_t now = clock_.now();
    // A minute's margin: a token must not expire between here and Google.
    if (const auto cached = token_.load(); cached && cached->expires_at - 60 > now) co_return cached->value;
    json header{{"alg", "RS256"}, {"typ", "JWT"}};
    if (!account_.private_key_id.empty()) header["kid"] = account_.private_key_id;
    const std::string input = b64(header.dump()) + "." + b64(service_account_claims(account_, admin_email_, now));
    const auto signature = signer_.sign_rs256(crypto::as_bytes(input));
    if (signature.empty()) {
        error = "the service account's key cannot sign";
        co_return std::string{};
    }
    std::vector<std::pair<std::string, std::string>> form{
        {"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
        {"assertion", input + "." + crypto::base64url_encode(signature)}};
    const ApiResult r = co_await api_post_form(client_, account_.token_uri, std::move(form));
    const bool answered = r.error.empty() && r.body.is_object();
    const std::string value = answered ? r.body.value("access_token", std::string{}) : std::string{};
    if (value.empty()) {
        error = "the service account's token request failed: " + (r.error.empty() ? "no access_token" : r.error);
        co_return std::string{};
    }
    const auto expires_in = r.body.find("expires_in");
    const std::int64_t lifetime =
        expires_in != r.body.end() && expires_in->is_number_integer() ? expires_in->get<std::int64_t>() : 3600;
    token_.publish(std::make_shared<const Token>(Token{value, now + lifetime}));
    co_return value;
}

boost::asio::awaitable<GroupsResult> GoogleDirectory::member_of(const std::string& email,
                                                                const std::vector<std::string>& groups) const {
    GroupsResult out;
    const std::string token = co_await access_token(out.error);
    if (token.empty()) co_return out;
    const Headers headers{{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
    for (const auto& group : groups) {
        const std::string url = directory_ + "/admin/directory/v1/groups/" + text::percent_encode(group) +
                                "/hasMember/" + text::percent_encode(email);
        const ApiResult r = co_await api_get(client_, url, headers);
        // 404 (no such group) and 400 (a member outside the domain) both mean "not a member"; anything else, the
        // API or our delegation failing, must not quietly turn into a refusal or an admission.
        if (r.status == 404 || r.status == 400) continue;
        if (!r.error.empty()) {
            out.error = "Directory API hasMember " + group + ": " + r.error;
            co_return out;
        }
        if (r.body.is_object() && r.body.value("isMember", false)) out.groups.push_back(group);
    }
    co_return out;
}

boost::asio::awaitable<GroupsResult> GoogleDirectory::groups_of(const std::string& email) const {
    GroupsResult out;
    const std::string token = co_await access_token(out.error);
    if (token.empty()) co_return out;
    const Headers headers{{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
    const std::string base =
        directory_ + "/admin/directory/v1/groups?maxResults=200&userKey=" + text::percent_encode(email);
    std::string url = base;
    for (int page = 0; page < kMaxPages; ++page) {
        const ApiResult r = co_await api_get(client_, url, headers);
        if (!r.error.empty()) {
            out.error = "Directory API groups: " + r.error;
            co_return out;
        }
        if (const auto list = r.body.find("groups"); list != r.body.end() && list->is_array())
            for (const auto& g : *list)
                if (g.is_object() && g.contains("email") && g["email"].is_string())
                    out.groups.push_back(g["email"].get<std::string>());
        const std::string next = r.body.is_object() ? r.body.value("nextPageToken", std::string{}) : std::string{};
        if (next.empty()) co_return out;
        url = base + "&pageToken=" + text::percent_encode(next);
    }
    out.error = "Directory API groups: more than " + std::to_string(kMaxPages) + " pages";
    co_return out;
}

}  // namespace gh::providers
