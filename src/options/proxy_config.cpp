// Reverse-proxy mode's settings (their values were checked by the table's parsers: each --upstream parses, no
// two share a route).
#include "options/component_configs.hpp"

namespace gh::options {

proxy::Config proxy_config(const Options& o) {
    proxy::Config c;
    static_cast<identity::Config&>(c) = identity_config(o);
    c.upstreams = o.upstreams;
    c.pass_user_headers = o.pass_user_headers;
    c.pass_authorization_header = o.pass_authorization_header;
    c.pass_basic_auth = o.pass_basic_auth;
    c.pass_host_header = o.pass_host_header;
    c.upstream_timeout = o.upstream_timeout;
    c.ssl_upstream_insecure_skip_verify = o.ssl_upstream_insecure_skip_verify;
    c.cookie_name = o.cookie_name;
    c.proxy_websockets = o.proxy_websockets;
    return c;
}

}  // namespace gh::options
