#pragma once
// How big the session cookie gets with the IdP's real tokens: sealed by the real cookie store, so the
// figure is exactly what browsers will carry.
#include <string>
#include <string_view>

#include "doctor/finding.hpp"
#include "options/options.hpp"

namespace gh::doctor {

// `sample`: a token endpoint answer (JSON with id_token, access_token, refresh_token) or a bare ID token,
// as the operator captured it from a real sign-in. Empty: the check is skipped, saying how to run it.
void check_cookie_size(const options::Options& o, std::string_view sample, Findings& out);

}  // namespace gh::doctor
