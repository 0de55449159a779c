// The one reading of the original request (http/original_request.hpp), fed random sets of forwarded headers — both
// families, look-alike names, duplicates. Whatever it reads must be what an independent, simple reading of the
// same header gives, never something a header outside the door's family steered: otherwise it must refuse.
// Input: lines; a line's first byte picks the header name, the rest is its value.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "authz/path_normalize.hpp"
#include "http/original_request.hpp"

namespace {

using gh::http::OriginalRequest;
using gh::http::OriginalSource;

constexpr std::array<const char*, 12> kNames{
    "X-Original-URL",  "X-Original-Method", "X-Forwarded-Method", "X-Forwarded-Proto",  "X-Forwarded-Host",
    "X-Forwarded-Uri", "x-original-url",    "X_Original_URL",     "X-Forwarded-Prefix", "Host",
    "x-forwarded-uri", "X.Forwarded.Method"};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
           });
}

bool in_family(std::string_view name, OriginalSource source) {
    const char* x_original[] = {"X-Original-URL", "X-Original-Method"};
    const char* x_forwarded[] = {"X-Forwarded-Method", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Uri"};
    if (source == OriginalSource::x_original)
        return std::any_of(std::begin(x_original), std::end(x_original),
                           [&](const char* n) { return iequals(n, name); });
    return std::any_of(std::begin(x_forwarded), std::end(x_forwarded), [&](const char* n) { return iequals(n, name); });
}

using Lines = std::vector<std::pair<std::string, std::string>>;

// A field's value as every HTTP parser hands it over: without leading and trailing spaces and tabs (RFC 9110 §5.5).
std::string value_of(const Lines& lines, std::string_view name) {
    for (const auto& [n, v] : lines) {
        if (!iequals(n, name)) continue;
        const auto first = v.find_first_not_of(" \t");
        if (first == std::string::npos) return {};
        return v.substr(first, v.find_last_not_of(" \t") - first + 1);
    }
    return {};
}

// The host an independent, plain reading of `authority` names: lower-case, no port, one trailing dot gone.
std::string plain_host(std::string_view authority) {
    if (!authority.starts_with('['))
        authority = authority.substr(0, authority.find(':'));
    else
        authority = authority.substr(0, authority.find(']') + 1);
    std::string h(authority);
    for (auto& c : h) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    if (h.ends_with('.')) h.pop_back();
    return h;
}

// The raw authority and target the family's headers carry.
std::pair<std::string, std::string> raw_parts(const Lines& lines, OriginalSource source) {
    if (source == OriginalSource::x_forwarded)
        return {value_of(lines, "X-Forwarded-Host"), value_of(lines, "X-Forwarded-Uri")};
    const std::string url = value_of(lines, "X-Original-URL");
    const auto start = url.find("://") + 3;
    const auto end = url.find_first_of("/?#", start);
    return {url.substr(start, end == std::string::npos ? std::string::npos : end - start),
            end == std::string::npos ? std::string{} : url.substr(end)};
}

// What was read, owned: the reading's views point into a message that is gone once read() returns.
struct Reading {
    std::string method, scheme, host, port, path, query, url;
    bool operator==(const Reading&) const = default;
};

bool read(const Lines& lines, OriginalSource source, Reading& out) {
    gh::http::Request::Message m{boost::beast::http::verb::get, "/oauth2/auth", 11};
    for (const auto& [n, v] : lines) m.insert(n, v);
    const gh::http::Request req(m);
    OriginalRequest got;
    if (read_original_request(req, source, got)) return false;
    out = {std::string(got.method), std::string(got.scheme), got.host, std::string(got.port),
           std::string(got.path),   std::string(got.query),  got.url()};
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Lines lines;
    for (std::size_t start = 0; start < text.size() && lines.size() < 10;) {
        auto nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string_view line = text.substr(start, nl - start);
        start = nl + 1;
        if (line.empty()) continue;
        std::string value(line.substr(1));
        // Beast refuses what no parser would hand over (CR, LF, NUL): such lines cannot arrive.
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) continue;
        lines.emplace_back(kNames[static_cast<unsigned char>(line[0]) % kNames.size()], std::move(value));
    }
    for (const auto source : {OriginalSource::x_original, OriginalSource::x_forwarded}) {
        Reading got;
        try {
            if (!read(lines, source, got)) continue;
        } catch (const std::exception&) {
            continue;  // Beast refused a value
        }
        // 1. Read only when every header of the family came once.
        for (const auto& line : lines) {
            const std::string& name = line.first;  // not a structured binding: clang 14 cannot capture one
            if (!in_family(name, source)) continue;
            const auto copies =
                std::count_if(lines.begin(), lines.end(), [&](const auto& l) { return iequals(l.first, name); });
            if (copies != 1) __builtin_trap();
        }
        // 2. Headers outside the family change nothing.
        Lines own;
        for (const auto& l : lines)
            if (in_family(l.first, source)) own.push_back(l);
        Reading alone;
        if (!read(own, source, alone) || !(got == alone)) __builtin_trap();
        // 3. The host is the plain reading of the header's authority, in canonical form.
        const auto [authority, target] = raw_parts(lines, source);
        if (got.host.empty() || got.host != plain_host(authority) || got.host.back() == '.') __builtin_trap();
        for (const char c : got.host)
            if ((c >= 'A' && c <= 'Z') || c == '@' || c == '\\' || c == '%' || c == ' ' || c == ',') __builtin_trap();
        // 4. The path and query are the header's own bytes, with nothing a server would split on or choke at.
        if (got.path.empty() || got.path.front() != '/') __builtin_trap();
        for (const char c : got.path + got.query)
            if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#') __builtin_trap();
        if (!target.empty() && target.front() == '/' && target.find(got.path) != 0) __builtin_trap();
        // 5. What was read reads back the same (canonical form is a fixed point).
        Reading again;
        if (!read({{"X-Original-URL", got.url}, {"X-Original-Method", got.method}}, OriginalSource::x_original, again) ||
            again.host != got.host || again.port != got.port || again.path != got.path || again.query != got.query)
            __builtin_trap();
        // 6. The path rules see: absolute, no dot segments left, no parameters.
        std::string normal;
        if (gh::authz::normalize_path_into(got.path, normal)) {
            if (!normal.starts_with('/') || normal.find("/../") != std::string::npos ||
                normal.find("/./") != std::string::npos || normal.find(';') != std::string::npos ||
                normal.ends_with("/.."))
                __builtin_trap();
        }
    }
    return 0;
}
