#pragma once
// The few HTML pages Gatehouse shows people: sign-in and errors. Self-contained (no external assets), with
// headers that keep them out of frames and caches. [pages] turns these into full templates.
#include <string_view>

#include "http/response.hpp"

namespace gh::pages {

// `retry_url` (may be empty) becomes a "Try again" link.
void write_error_page(http::Response& res, int status, std::string_view title, std::string_view message,
                      std::string_view retry_url);

// A page with one button that starts the login at `start_url`.
void write_sign_in_page(http::Response& res, std::string_view start_url);

}  // namespace gh::pages
