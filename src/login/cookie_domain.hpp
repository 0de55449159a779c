#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace gh::login {

// oauth2-proxy's rule: of the --cookie-domain values, the longest one that the request host ends with;
// when none matches, the first one (so a misconfiguration is visible rather than silent); empty list: host-only.
// A value with a port is never chosen (no browser takes it as a Domain attribute): only such values, host-only.
std::string choose_cookie_domain(const std::vector<std::string>& domains, std::string_view host);

}  // namespace gh::login
