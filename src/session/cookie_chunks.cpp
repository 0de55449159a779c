#include "session/cookie_chunks.hpp"

#include <charconv>

namespace gh::session {
namespace {

std::string chunk_name(std::string_view name, std::size_t i) {
    std::string n(name);
    n += '_';
    n += std::to_string(i);
    return n;
}

bool is_chunk_of(std::string_view candidate, std::string_view name) {
    if (candidate.size() <= name.size() + 1 || candidate.substr(0, name.size()) != name ||
        candidate[name.size()] != '_')
        return false;
    std::size_t index = 0;
    const auto digits = candidate.substr(name.size() + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    return ec == std::errc{} && end == digits.data() + digits.size();
}

}  // namespace

std::vector<NamedValue> split_into_chunks(const std::string& name, std::string_view value) {
    if (name.size() + 1 + value.size() <= kMaxCookieBytes) return {{name, value}};
    std::vector<NamedValue> chunks;
    for (std::size_t i = 0; !value.empty(); ++i) {
        std::string n = chunk_name(name, i);
        const std::size_t room = kMaxCookieBytes - n.size() - 1;
        chunks.push_back({std::move(n), value.substr(0, room)});
        value.remove_prefix(std::min(room, value.size()));
    }
    return chunks;
}

std::optional<std::string_view> join_chunks(const CookieJar& jar, std::string_view name, std::string& scratch) {
    if (auto whole = jar.get(name)) return whole;
    scratch.clear();
    bool found = false;
    for (std::size_t i = 0; i < kMaxChunks; ++i) {
        // Built without allocating: the hot path calls this for chunked sessions.
        char buf[128];
        if (name.size() + 4 > sizeof buf) return std::nullopt;
        std::copy(name.begin(), name.end(), buf);
        buf[name.size()] = '_';
        auto [end, ec] = std::to_chars(buf + name.size() + 1, buf + sizeof buf, i);
        auto part = jar.get(std::string_view(buf, static_cast<std::size_t>(end - buf)));
        if (!part) break;
        scratch.append(*part);
        found = true;
    }
    if (!found) return std::nullopt;
    return std::string_view(scratch);
}

std::vector<std::string> cookie_names_of(const CookieJar& jar, std::string_view name) {
    std::vector<std::string> names;
    for (const auto& c : jar.all())
        if (c.name == name || is_chunk_of(c.name, name)) names.emplace_back(c.name);
    return names;
}

}  // namespace gh::session
