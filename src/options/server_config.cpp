// The listeners and their limits: TLS needs its files, the URL fits in the header block, and the pages name the
// provider unless told otherwise.
#include "options/checks.hpp"
#include "options/component_configs.hpp"

namespace gh::options {
namespace {

void check_tls_files(Checks& c) {
    auto& o = c.o;
    // oauth2-proxy's default, as its example cfg spells it: no HTTPS without a certificate, there as here.
    if (o.https_address && c.text(o.https_address) == ":443" && o.tls_cert_file.empty() && o.tls_key_file.empty())
        o.https_address.reset();
    if (o.https_address) {
        if (o.tls_cert_file.empty()) c.fail(o.tls_cert_file, "missing (required by --https-address)");
        if (o.tls_key_file.empty()) c.fail(o.tls_key_file, "missing (required by --https-address)");
    }
    if (o.grpc_tls && (o.tls_cert_file.empty() || o.tls_key_file.empty()))
        c.fail(o.grpc_tls, "needs --tls-cert-file and --tls-key-file");
}

// The sign-in button names the provider the operator chose, unless the flag says otherwise: oauth2-proxy's names.
std::string display_name_of(const Options& o) {
    if (o.provider == "github") return "GitHub";
    if (o.provider == "gitlab") return "GitLab";
    if (o.provider == "azure") return "Azure";
    if (o.provider == "entra-id") return "Microsoft Entra ID";
    if (o.provider == "google") return "Google";
    if (o.keycloak) return "Keycloak OIDC";
    return "OpenID Connect";
}

}  // namespace

void check_server(Checks& c) {
    auto& o = c.o;
    check_tls_files(c);
    if (!c.given(o.provider_display_name)) o.provider_display_name = display_name_of(o);
}

}  // namespace gh::options
