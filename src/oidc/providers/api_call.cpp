#include "oidc/providers/api_call.hpp"

#include <chrono>

#include "http/form.hpp"
#include "observe/metrics.hpp"

namespace gh::providers {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

asio::awaitable<ApiResult> call(const http::HttpClient& client, http::ClientRequest req) {
    const auto started = std::chrono::steady_clock::now();
    const http::ClientResult r = co_await client.fetch(std::move(req));
    observe::time_idp_call(observe::IdpCall::api, std::chrono::steady_clock::now() - started,
                           !r.response || r.response->status >= 500);
    ApiResult out;
    if (!r.response) {
        out.error = r.error;
        co_return out;
    }
    out.status = r.response->status;
    if (out.status < 200 || out.status > 299) {
        out.error = "HTTP " + std::to_string(out.status);
        co_return out;
    }
    out.body = json::parse(r.response->body, nullptr, false);
    if (out.body.is_discarded()) out.error = "the answer is not JSON";
    out.next = next_link(r.response->link);
    co_return out;
}

}  // namespace

boost::asio::awaitable<ApiResult> api_get(const http::HttpClient& client, std::string url, Headers headers) {
    http::ClientRequest req{"GET", std::move(url), std::move(headers), {}};
    co_return co_await call(client, std::move(req));
}

boost::asio::awaitable<ApiResult> api_post_form(const http::HttpClient& client, std::string url,
                                                std::vector<std::pair<std::string, std::string>> form) {
    http::ClientRequest req{"POST",
                            std::move(url),
                            {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
                            http::form_encode(form)};
    co_return co_await call(client, std::move(req));
}

boost::asio::awaitable<ApiResult> api_get_all(const http::HttpClient& client, std::string url, const Headers& headers,
                                              std::string_view base, std::string_view member, int max_pages,
                                              json& items) {
    if (!items.is_array()) items = json::array();
    for (int page = 0; page < max_pages; ++page) {
        ApiResult r = co_await api_get(client, url, headers);
        if (!r.error.empty()) co_return r;
        const json* list = &r.body;
        if (!member.empty()) {
            const auto it = r.body.is_object() ? r.body.find(member) : r.body.end();
            static const json kEmpty = json::array();
            list = (r.body.is_object() && it != r.body.end()) ? &*it : &kEmpty;
        }
        if (!list->is_array()) {
            r.error = "the answer is not a list";
            co_return r;
        }
        for (const auto& item : *list) items.push_back(item);
        if (r.next.empty()) co_return r;
        if (!r.next.starts_with(base)) {
            r.error = "the next page is not under " + std::string(base);
            co_return r;
        }
        url = r.next;
    }
    ApiResult more;
    more.error = "more than " + std::to_string(max_pages) + " pages";
    co_return more;
}

oidc::RedeemResult completion_failure(std::string why, bool refused, bool forbidden) {
    oidc::RedeemResult r;
    r.error = std::move(why);
    r.refused = refused;
    r.forbidden = forbidden;
    return r;
}

std::string next_link(std::string_view link) {
    // <url>; rel="next", <url>; rel="last"  (the parameters of one link end at the next comma outside <>)
    std::size_t at = 0;
    while ((at = link.find('<', at)) != std::string_view::npos) {
        const auto close = link.find('>', at);
        if (close == std::string_view::npos) return {};
        const std::string_view url = link.substr(at + 1, close - at - 1);
        const auto end = link.find('<', close);
        const std::string_view params =
            link.substr(close + 1, end == std::string_view::npos ? link.npos : end - close - 1);
        if (params.find("rel=\"next\"") != std::string_view::npos || params.find("rel=next") != std::string_view::npos)
            return std::string(url);
        at = close;
    }
    return {};
}

}  // namespace gh::providers
