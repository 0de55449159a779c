#include "session/cookie_session_store.hpp"

#include <algorithm>

#include "session/cookie_chunks.hpp"

namespace gh::session {

std::vector<std::string> cookies_for_value(const std::string& name, std::string_view value,
                                           const CookieJar& request_cookies, const CookieAttributes& attrs,
                                           std::int64_t now) {
    const auto chunks = split_into_chunks(name, value);
    std::vector<std::string> headers;
    for (const auto& c : chunks) headers.push_back(format_set_cookie(c.name, c.value, attrs, now));
    for (const auto& old : cookie_names_of(request_cookies, name)) {
        const bool reused = std::any_of(chunks.begin(), chunks.end(), [&](const auto& c) { return c.name == old; });
        if (!reused) headers.push_back(format_clearing_cookie(old, attrs));
    }
    return headers;
}

std::vector<std::string> clearing_cookies(const std::string& name, const CookieJar& request_cookies,
                                          const CookieAttributes& attrs) {
    std::vector<std::string> headers;
    for (const auto& n : cookie_names_of(request_cookies, name)) headers.push_back(format_clearing_cookie(n, attrs));
    return headers;
}

CookieSessionStore::CookieSessionStore(const CookieSecrets& cookie_secrets, std::string cookie_name)
    : sealer_(cookie_secrets, std::move(cookie_name)) {}

std::optional<LoadResult> CookieSessionStore::load_now(const CookieJar& jar, std::int64_t now, Session& out) const {
    thread_local std::string scratch;
    const auto value = join_chunks(jar, sealer_.cookie_name(), scratch);
    if (!value || value->empty()) return LoadResult::absent;
    return sealer_.open(*value, now, out);
}

std::vector<std::string> CookieSessionStore::save(const Session& s, const CookieJar& request_cookies,
                                                  const CookieAttributes& attrs, std::int64_t now) const {
    return cookies_for_value(sealer_.cookie_name(), sealer_.seal(s), request_cookies, attrs, now);
}

boost::asio::awaitable<SaveResult> CookieSessionStore::write(Saving, const Session& s, const CookieJar& request_cookies,
                                                             const CookieAttributes& attrs, std::int64_t now) const {
    co_return SaveResult{save(s, request_cookies, attrs, now), {}};
}

boost::asio::awaitable<std::vector<std::string>> CookieSessionStore::destroy(const CookieJar& request_cookies,
                                                                             const CookieAttributes& attrs) const {
    co_return clearing_cookies(sealer_.cookie_name(), request_cookies, attrs);
}

boost::asio::awaitable<RevokeResult> CookieSessionStore::revoke(std::string, std::string) const {
    co_return RevokeResult{.supported = false};
}

}  // namespace gh::session
