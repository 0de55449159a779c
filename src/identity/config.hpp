#pragma once
// What an allowed request tells the app about its user (built by options/doors_config.cpp).
#include <optional>
#include <string>
#include <vector>

#include "crypto/secret.hpp"

namespace gh::identity {

// One value of a header that oauth2-proxy's alpha configuration injects (injectRequestHeaders,
// injectResponseHeaders): a value the session holds, or a fixed one.
struct InjectedValue {
    enum class Claim { fixed, user, email, groups, preferred_username, access_token, id_token };
    Claim claim = Claim::fixed;
    std::string prefix;                                // before each of the claim's values
    std::optional<crypto::Secret> basic_auth_password;  // "Basic base64(<claim value>:<password>)" instead
    crypto::Secret fixed;                              // Claim::fixed: this value, as given
};

struct InjectedHeader {
    std::string name;
    std::string folded_name;  // lower case, '-' for '_' and '.': how an app may read it (same_header_to_an_app)
    std::vector<InjectedValue> values;
};

struct Config {
    bool set_xauthrequest = false;          // X-Auth-Request-User, -Email, -Groups, -Preferred-Username
    bool pass_access_token = false;         // and -Access-Token (X-Forwarded-Access-Token when proxying)
    bool set_authorization_header = false;  // Authorization: Bearer <ID token>
    bool set_basic_auth = false;            // Authorization: Basic <user:basic_auth_password>
    bool prefer_email_to_user = false;      // the e-mail as the user in X-Forwarded-User and Basic credentials
    crypto::Secret basic_auth_password;     // of both Basic forms
    // --alpha-config's injectResponseHeaders: when set, exactly these headers (after GAP-Auth) replace those of
    // the flags above on the allowed answer; injectRequestHeaders likewise replaces what the reverse proxy tells
    // the upstream (pass-user-headers, pass-basic-auth, …).
    std::optional<std::vector<InjectedHeader>> response_headers;
    std::optional<std::vector<InjectedHeader>> request_headers;
};

}  // namespace gh::identity
