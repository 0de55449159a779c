#pragma once
// An X.509 subject or issuer name as proxies pass it on: the RFC 4514 string form ("CN=ci,OU=build,O=Example"),
// which nginx's $ssl_client_s_dn and Envoy's x-forwarded-client-cert Subject both use. Written by hand: OpenSSL
// parses names from certificates, not from this text form, and no Debian library does.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::authz {

class DistinguishedName {
public:
    struct Attribute {
        std::string type;   // lower-cased ("cn", "o", "emailaddress") or a dotted OID
        std::string value;  // unescaped, compared exactly
        bool operator==(const Attribute&) const = default;
    };

    // nullopt when `text` is not an RFC 4514 name (empty, no '=', a dangling escape, the old "/C=US/CN=x" form).
    static std::optional<DistinguishedName> parse(std::string_view text);

    // The most specific common name: the first CN in RFC 4514 order (which starts at the leaf); empty if none.
    std::string_view common_name() const;
    const std::vector<Attribute>& attributes() const { return attributes_; }

    // Same attributes in the same order; types compare without case, values exactly (a CA that issues
    // "CN=Admin" and "CN=admin" issued two names).
    bool operator==(const DistinguishedName&) const = default;

private:
    std::vector<Attribute> attributes_;
};

}  // namespace gh::authz
