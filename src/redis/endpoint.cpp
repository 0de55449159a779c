#include "redis/endpoint.hpp"

#include <charconv>

#include "text/percent.hpp"

namespace gh::redis {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

// "host", "host:port" or "[v6]:port" into `e`; false with `error` set when it is not one of those.
bool parse_host_port(std::string_view authority, Endpoint& e, std::string& error) {
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "has an unclosed [ in its host";
            return false;
        }
        e.host = std::string(authority.substr(1, close - 1));
        const auto rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            error = "has text after its [host]";
            return false;
        }
        if (!rest.empty()) port_text = rest.substr(1);
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        e.host = std::string(authority.substr(0, colon));
        port_text = authority.substr(colon + 1);
    } else {
        e.host = std::string(authority);
    }
    if (e.host.empty()) {
        error = "has no host";
        return false;
    }
    if (!port_text.empty() && !parse_port(port_text, e.port)) {
        error = "has a bad port";
        return false;
    }
    return true;
}

}  // namespace

std::string Endpoint::address() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<Endpoint> read_endpoint(std::string_view url) {
    std::string why;
    auto e = parse_endpoint(url, why);
    if (!e) return failure(ErrorCode::invalid_value, std::move(why));
    return *std::move(e);
}

std::optional<Endpoint> parse_endpoint(std::string_view url, std::string& error) {
    Endpoint e;
    if (url.starts_with("redis://")) {
        url.remove_prefix(8);
    } else if (url.starts_with("rediss://")) {
        url.remove_prefix(9);
        e.tls = true;
    } else {
        error = "must start with redis:// or rediss://";
        return std::nullopt;
    }
    std::string_view path;
    if (const auto slash = url.find('/'); slash != std::string_view::npos) {
        path = url.substr(slash + 1);
        url = url.substr(0, slash);
    }
    if (const auto at = url.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = url.substr(0, at);
        url = url.substr(at + 1);
        const auto colon = userinfo.find(':');
        // redis://secret@host is a password alone, as redis-cli and go-redis read it.
        const std::string_view user = colon == std::string_view::npos ? std::string_view{} : userinfo.substr(0, colon);
        const std::string_view pass = colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1);
        e.username = text::percent_decode(user);
        e.password = text::percent_decode(pass);
    }
    if (!parse_host_port(url, e, error)) return std::nullopt;
    if (const auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    if (!path.empty()) {
        const auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), e.db);
        if (ec != std::errc() || end != path.data() + path.size() || e.db < 0) {
            error = "has a bad database number";
            return std::nullopt;
        }
    }
    return e;
}

}  // namespace gh::redis
