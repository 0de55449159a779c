#pragma once
// The stylesheets oauth2-proxy's templates link, under <proxy-prefix>/static/: bulma.min.css and all.min.css.
// Bulma and Font Awesome may not be copied into Gatehouse (and Debian ships Bulma only as Sass sources, Font
// Awesome only as version 4), so these are Gatehouse's own small rules for the classes oauth2-proxy's sign_in.html
// and error.html use, enough for such a page to look as it did.
#include <optional>
#include <string_view>

namespace gh::pages {

// The stylesheet at `name` ("css/bulma.min.css"), or nullopt.
std::optional<std::string_view> static_asset(std::string_view name);

}  // namespace gh::pages
