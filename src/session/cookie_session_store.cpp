#include "session/cookie_session_store.hpp"

#include <algorithm>

#include "session/cookie_chunks.hpp"

namespace gh::session {

CookieSessionStore::CookieSessionStore(crypto::ByteView cookie_secret, std::string cookie_name)
    : sealer_(cookie_secret, std::move(cookie_name)) {}

LoadResult CookieSessionStore::load(const CookieJar& jar, std::int64_t now, Session& out) const {
    thread_local std::string scratch;
    const auto value = join_chunks(jar, sealer_.cookie_name(), scratch);
    if (!value || value->empty()) return LoadResult::absent;
    return sealer_.open(*value, now, out);
}

std::vector<std::string> CookieSessionStore::save(const Session& s, const CookieJar& request_cookies,
                                                  const CookieAttributes& attrs, std::int64_t now) const {
    const std::string value = sealer_.seal(s);
    const auto chunks = split_into_chunks(sealer_.cookie_name(), value);
    std::vector<std::string> headers;
    for (const auto& c : chunks) headers.push_back(format_set_cookie(c.name, c.value, attrs, now));
    for (const auto& old : cookie_names_of(request_cookies, sealer_.cookie_name())) {
        const bool reused = std::any_of(chunks.begin(), chunks.end(), [&](const auto& c) { return c.name == old; });
        if (!reused) headers.push_back(format_clearing_cookie(old, attrs));
    }
    return headers;
}

std::vector<std::string> CookieSessionStore::clear(const CookieJar& request_cookies,
                                                   const CookieAttributes& attrs) const {
    std::vector<std::string> headers;
    for (const auto& name : cookie_names_of(request_cookies, sealer_.cookie_name()))
        headers.push_back(format_clearing_cookie(name, attrs));
    return headers;
}

}  // namespace gh::session
