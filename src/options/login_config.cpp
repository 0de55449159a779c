// The sign-in flow: the session cookie's policy and the endpoints it answers on.
#include "options/component_configs.hpp"

namespace gh::options {

login::Config login_config(const Options& o) {
    login::Config c;
    static_cast<session::CookiePolicy&>(c) = cookie_policy(o);
    c.client_id = o.client_id;
    c.redirect_url = o.redirect_url;
    c.proxy_prefix = o.proxy_prefix;
    c.skip_provider_button = o.skip_provider_button;
    c.display_htpasswd_form = o.display_htpasswd_form;
    c.cookie_csrf_per_request = o.cookie_csrf_per_request;
    c.secrets = cookie_secrets(o);
    return c;
}

}  // namespace gh::options
