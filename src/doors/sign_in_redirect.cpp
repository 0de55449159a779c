#include "doors/sign_in_redirect.hpp"

#include "http/form.hpp"

namespace gh::doors {

bool wants_api_answer(std::string_view accept, std::string_view x_requested_with) {
    if (x_requested_with == "XMLHttpRequest") return true;
    return accept.find("application/json") != std::string_view::npos && accept.find("text/html") == std::string_view::npos;
}

std::string sign_in_location(const Config& o, std::string_view original_scheme,
                             std::string_view original_host, std::string_view original_url) {
    std::string origin;
    // An absolute --redirect-url names Gatehouse's origin; a path (--relative-redirect-url) leaves the request's.
    if (const auto& r = o.redirect_url; r.find("://") != std::string::npos) {
        const auto path = r.find('/', r.find("://") + 3);
        origin = r.substr(0, path);
    } else {
        origin = std::string(original_scheme) + "://" + std::string(original_host);
    }
    return origin + o.proxy_prefix + "/start?rd=" + text::percent_encode(original_url);
}

}  // namespace gh::doors
