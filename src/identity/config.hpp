#pragma once
// What an allowed request tells the app about its user (built by options/doors_config.cpp).
#include "crypto/secret.hpp"

namespace gh::identity {

struct Config {
    bool set_xauthrequest = false;          // X-Auth-Request-User, -Email, -Groups, -Preferred-Username
    bool pass_access_token = false;         // and -Access-Token (X-Forwarded-Access-Token when proxying)
    bool set_authorization_header = false;  // Authorization: Bearer <ID token>
    bool set_basic_auth = false;            // Authorization: Basic <user:basic_auth_password>
    bool prefer_email_to_user = false;      // the e-mail as the user in X-Forwarded-User and Basic credentials
    crypto::Secret basic_auth_password;     // of both Basic forms
};

}  // namespace gh::identity
