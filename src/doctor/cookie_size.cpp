#include "doctor/cookie_size.hpp"

#include "options/component_configs.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "crypto/base64.hpp"
#include "login/cookie_attributes.hpp"
#include "login/session_identity.hpp"
#include "oidc/claims.hpp"
#include "session/cookie_jar.hpp"
#include "session/cookie_session_store.hpp"

namespace gh::doctor {
namespace {

// Browsers keep at most about 4096 bytes per cookie; Gatehouse splits longer values into chunks.
constexpr std::size_t kNearOneCookie = 3500;
// nginx's default large_client_header_buffers (4 8k): a longer Cookie line is refused with 400.
constexpr std::size_t kNginxHeaderLine = 8192;

struct Tokens {
    std::string id_token, access_token, refresh_token;
};

std::optional<Tokens> read_sample(std::string_view sample, std::string& error) {
    while (!sample.empty() && std::isspace(static_cast<unsigned char>(sample.back()))) sample.remove_suffix(1);
    while (!sample.empty() && std::isspace(static_cast<unsigned char>(sample.front()))) sample.remove_prefix(1);
    if (sample.starts_with('{')) {
        const auto json = nlohmann::json::parse(sample, nullptr, false);
        if (json.is_discarded() || !json.is_object()) {
            error = "not JSON";
            return std::nullopt;
        }
        Tokens t;
        const auto get = [&](const char* key) { return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : std::string{}; };
        t.id_token = get("id_token");
        t.access_token = get("access_token");
        t.refresh_token = get("refresh_token");
        if (t.id_token.empty()) {
            error = "the token answer has no id_token";
            return std::nullopt;
        }
        return t;
    }
    return Tokens{.id_token = std::string(sample)};
}

std::optional<nlohmann::json> payload_of(const std::string& jwt) {
    const auto first = jwt.find('.');
    const auto second = jwt.find('.', first == std::string::npos ? 0 : first + 1);
    if (first == std::string::npos || second == std::string::npos) return std::nullopt;
    crypto::Bytes bytes;
    if (!crypto::base64url_decode(std::string_view(jwt).substr(first + 1, second - first - 1), bytes)) return std::nullopt;
    auto json = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return std::nullopt;
    return json;
}

}  // namespace

void check_cookie_size(const options::Options& o, std::string_view sample, Findings& out) {
    if (o.session_store_type == "redis") {
        out.push_back({Severity::ok, "cookie-size", "Redis sessions: the cookie holds only a ticket, whatever the tokens weigh", {}});
        return;
    }
    if (sample.empty()) {
        out.push_back({Severity::skipped, "cookie-size",
                       "give --sample-token-file=FILE (the token endpoint's JSON answer, or an ID token, from a real "
                       "sign-in) to measure the session cookie with your IdP's real claims",
                       {}});
        return;
    }
    std::string error;
    const auto tokens = read_sample(sample, error);
    const auto claims = tokens ? payload_of(tokens->id_token) : std::nullopt;
    if (!claims) {
        out.push_back({Severity::error, "cookie-size",
                       "--sample-token-file: " + (error.empty() ? std::string("the ID token is not a JWT") : error),
                       "save the token endpoint's JSON answer or the bare ID token"});
        return;
    }
    const oidc::ClaimNames names{.email = o.oidc_email_claim, .groups = o.oidc_groups_claim,
                                 .allow_unverified_email = true};  // the size matters here, not the policy
    const auto identity = oidc::extract_identity(*claims, names);
    session::Session s;
    if (identity.identity) login::adopt_identity(s, *identity.identity);
    s.id_token = tokens->id_token;
    s.access_token = tokens->access_token;
    s.refresh_token = tokens->refresh_token;
    const std::int64_t now = std::time(nullptr);
    s.created_at = now;
    s.expires_at = now + o.cookie_expire.count();
    const session::CookieSessionStore store(options::cookie_secrets(o), o.cookie_name);
    const auto cookies = store.save(s, session::CookieJar{}, login::session_cookie_attributes(options::cookie_policy(o), ""), now);
    std::size_t header = 0;  // the Cookie line browsers send: "a=1; b=2"
    for (const auto& c : cookies) header += c.substr(0, c.find(';')).size() + (header ? 2 : 0);
    const std::string figure = std::to_string(header) + " bytes in " + std::to_string(cookies.size()) +
                               (cookies.size() == 1 ? " cookie" : " cookies") + " (" + std::to_string(s.groups.size()) +
                               " groups)";
    if (header > kNginxHeaderLine - 512) {
        out.push_back({Severity::error, "cookie-size",
                       "the session cookie takes " + figure + ": with the other cookies of the site, nginx "
                       "(large_client_header_buffers 8k) answers 400 \"Request Header Or Cookie Too Large\"",
                       "--session-store-type=redis (the cookie then holds a ticket), or ask the IdP for fewer claims "
                       "(a narrower --scope, a groups claim filtered to what the apps use)"});
    } else if (cookies.size() > 1) {
        out.push_back({Severity::warning, "cookie-size",
                       "the session cookie takes " + figure + ": chunks work, but nginx auth_request_set passes on "
                       "only the first Set-Cookie, so a session refreshed through the auth request loses its tail",
                       "--session-store-type=redis, or keep --cookie-refresh off behind nginx"});
    } else if (header > kNearOneCookie) {
        out.push_back({Severity::warning, "cookie-size",
                       "the session cookie takes " + figure + ": close to a browser's 4 KB per cookie; a few more "
                       "groups will split it into chunks",
                       "--session-store-type=redis if users gain groups"});
    } else {
        out.push_back({Severity::ok, "cookie-size", "the session cookie takes " + figure, {}});
    }
}

}  // namespace gh::doctor
