#pragma once
// The cookies of one request, as views into the request's Cookie header(s).
#include <optional>
#include <string_view>
#include <vector>

namespace gh::session {

// A cookie pair or name without the spaces and tabs around it, as every reader of a Cookie header here trims it: the
// jar, and the reverse proxy that keeps our cookies from the app (a name read as ours must be recognised as ours).
std::string_view trim_cookie_space(std::string_view s);

class CookieJar {
public:
    struct Cookie {
        std::string_view name;
        std::string_view value;
    };

    // May be called once per Cookie header line (HTTP/1.1 clients send one; HTTP/2 proxies may split).
    void add_header(std::string_view header);

    std::optional<std::string_view> get(std::string_view name) const;
    const std::vector<Cookie>& all() const { return cookies_; }
    void clear() { cookies_.clear(); }

private:
    std::vector<Cookie> cookies_;
};

}  // namespace gh::session
