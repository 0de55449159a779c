#include "doors/client_certificate_headers.hpp"

#include <boost/beast/core/string.hpp>
#include <string>
#include <vector>

namespace gh::doors {
namespace {

// Splits `value` at `separator` outside double quotes (XFCC quotes values that hold ',', ';' or '=').
// Written by hand: the format is Envoy's own, and no library parses it.
bool split_outside_quotes(std::string_view value, char separator, std::vector<std::string_view>& parts) {
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (quoted && c == '\\') {
            ++i;  // an escaped character inside quotes
            continue;
        }
        if (c == '"')
            quoted = !quoted;
        else if (c == separator && !quoted) {
            parts.push_back(value.substr(start, i - start));
            start = i + 1;
        }
    }
    if (quoted) return false;
    parts.push_back(value.substr(start));
    return true;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A value, unquoted: "CN=a\"b,O=c" → CN=a"b,O=c. Inside quotes Envoy escapes only '"' and '\'; other escapes
// (a DN's own "\,") are kept for the DN parser.
std::string unquoted(std::string_view v) {
    if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
    v = v.substr(1, v.size() - 2);
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size() && (v[i + 1] == '"' || v[i + 1] == '\\')) ++i;
        out += v[i];
    }
    return out;
}

}  // namespace

bool parse_forwarded_client_cert(std::string_view value, authz::ClientCertificate& out) {
    std::vector<std::string_view> elements;
    if (!split_outside_quotes(value, ',', elements)) return false;
    std::vector<std::string_view> pairs;
    if (!split_outside_quotes(trimmed(elements.back()), ';', pairs)) return false;
    for (const auto pair : pairs) {
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) return false;
        const auto key = trimmed(pair.substr(0, eq));
        const std::string v = unquoted(trimmed(pair.substr(eq + 1)));
        if (boost::beast::iequals(key, "Subject"))
            out.subject = v;
        else if (boost::beast::iequals(key, "URI"))
            out.uris.push_back(v);
        else if (boost::beast::iequals(key, "DNS"))
            out.dns_names.push_back(v);
        // By, Hash, Cert and Chain are not needed to name the client.
    }
    return !out.subject.empty() || !out.uris.empty() || !out.dns_names.empty();
}

void read_client_certificate(const CertificateHeaders& headers, bool from_trusted_proxy,
                             const ClientCertificateHeaders& sources, authz::ClientCertificate& out) {
    using State = authz::ClientCertificate::State;
    out.clear();
    const bool nginx = sources.ingress_nginx && (!headers.verify.empty() || !headers.subject_dn.empty());
    const bool envoy = sources.envoy && !headers.forwarded_client_cert.empty();
    if (!nginx && !envoy) return;
    if (!from_trusted_proxy) {
        out.state = State::untrusted_peer;
        out.problem = "client certificate headers from a peer that is not a --trusted-proxy-ip were ignored";
        return;
    }
    if (nginx) {
        if (headers.verify == "SUCCESS" && !headers.subject_dn.empty()) {
            out.state = State::verified;
            out.subject = headers.subject_dn;
            out.issuer = headers.issuer_dn;
            return;
        }
        if (headers.verify == "NONE") {
            if (!envoy) return;  // the client sent no certificate
        } else {
            out.state = State::not_verified;
            out.problem = "the proxy did not verify the client certificate (ssl-client-verify: " +
                          std::string(headers.verify.empty() ? "missing" : headers.verify) + ")";
            return;
        }
    }
    if (!parse_forwarded_client_cert(headers.forwarded_client_cert, out)) {
        out.clear();
        out.state = State::not_verified;
        out.problem = "x-forwarded-client-cert is malformed";
        return;
    }
    out.state = State::verified;
}

}  // namespace gh::doors
