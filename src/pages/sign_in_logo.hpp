#pragma once
// --custom-sign-in-logo, as oauth2-proxy reads it: a path to an .svg (inlined), .png or .jpg/.jpeg (a data: URL
// image), an https:// URL (an <img> pointing there), or "-" for none. Read once at start. Unlike oauth2-proxy,
// an empty value shows no logo: Gatehouse does not ship oauth2-proxy's.
#include <string>
#include <string_view>

#include "result/result.hpp"

namespace gh::pages {

struct SignInLogo {
    std::string html;        // what {{.LogoData}} inserts; empty for none
    std::string img_origin;  // the https origin the page's CSP must allow images from, for a URL logo
};

// Files larger than this are refused: the logo is sent with every sign-in page.
inline constexpr std::size_t kMaxLogoBytes = 256 * 1024;

// Fails with a message naming --custom-sign-in-logo (unreadable, too large, unknown extension, a URL that is
// not https).
Result<SignInLogo> load_sign_in_logo(std::string_view setting);

}  // namespace gh::pages
