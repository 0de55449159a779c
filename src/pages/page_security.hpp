#pragma once
// The headers every page carries: a Content-Security-Policy that lets only the page's own inline scripts and
// styles run (by their hashes, worked out as the page renders: html_context.hpp), frames and sniffing refused,
// nothing cached.
#include <string>
#include <string_view>

#include "http/response.hpp"
#include "pages/html_context.hpp"

namespace gh::pages {

struct PagePolicy {
    const InlineHashes& inline_code;
    std::string_view img_origin;        // an https logo's origin
    std::string_view form_origins;      // other origins a form on the page may submit or be redirected to (spaced)
    bool same_origin_referrer = false;  // the password form: its Origin header must name our page
};

std::string content_security_policy(const PagePolicy& p);
void write_security_headers(http::Response& res, const PagePolicy& p);

// "https://app.example.com:8443" of an absolute http(s) URL; "" for a relative one or another scheme.
std::string origin_of(std::string_view url);

}  // namespace gh::pages
