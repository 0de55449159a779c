#pragma once
// Calls to a provider's own JSON API with the user's access token (GitHub's REST API, Microsoft Graph, GitLab's
// userinfo, Google's Directory API), timed for /metrics as call="api", and its paging.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/client.hpp"
#include "oidc/provider.hpp"

namespace gh::providers {

struct ApiResult {
    nlohmann::json body;  // the parsed answer (discarded when `error` is set)
    std::string next;     // the next page's URL (Link rel="next"), when the answer has one
    std::string error;    // why not, for the log; never holds a token
    int status = 0;       // the HTTP status (0: no answer)
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// GET `url` with `headers`; an answer other than 2xx with a JSON body is an error.
boost::asio::awaitable<ApiResult> api_get(const http::HttpClient& client, std::string url, Headers headers);

// POST a form (application/x-www-form-urlencoded) to `url`, as api_get answers.
boost::asio::awaitable<ApiResult> api_post_form(const http::HttpClient& client, std::string url,
                                                std::vector<std::pair<std::string, std::string>> form);

// Every page of a list: `url`, then each Link rel="next" under `base` (a token is never sent elsewhere), up to
// `max_pages`; the arrays (or, with `member`, the array in that member of each page) appended to `items`.
boost::asio::awaitable<ApiResult> api_get_all(const http::HttpClient& client, std::string url, const Headers& headers,
                                              std::string_view base, std::string_view member, int max_pages,
                                              nlohmann::json& items);

// An IdentityCompletion's failure: `refused` ends the login (or the session, on a refresh) for good; `forbidden`:
// the account is known but not allowed here.
oidc::RedeemResult completion_failure(std::string why, bool refused, bool forbidden = false);

// The URL of rel="next" in a Link header (RFC 8288), or empty.
std::string next_link(std::string_view link_header);

}  // namespace gh::providers
