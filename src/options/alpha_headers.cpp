// injectRequestHeaders / injectResponseHeaders: headers whose values come from the session (claimSource) or are
// fixed (secretSource). Gatehouse's sessions hold user, email, groups, preferred_username and the tokens; a claim
// beyond those is refused by its path.
#include <algorithm>

#include "identity/identity_headers.hpp"
#include "options/alpha_yaml.hpp"

namespace gh::options::alpha {
namespace {

using Claim = identity::InjectedValue::Claim;

std::optional<Claim> claim_named(std::string_view name) {
    if (name == "user") return Claim::user;
    if (name == "email") return Claim::email;
    if (name == "groups") return Claim::groups;
    if (name == "preferred_username") return Claim::preferred_username;
    if (name == "access_token") return Claim::access_token;
    if (name == "id_token") return Claim::id_token;
    return std::nullopt;
}

bool is_token(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

// Headers that frame the message or carry the client's own credentials: an injected value there would change
// what the request or answer is, not tell the app who the user is.
bool framing_header(std::string_view folded) {
    for (std::string_view h : {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
                               "te", "trailer", "cookie", "set-cookie", "location", "content-type"})
        if (folded == h) return true;
    return false;
}

std::optional<identity::InjectedValue> read_value(Reader& r, const YAML::Node& node, const std::string& path,
                                                  const AlphaEnvironment& env) {
    if (!r.mapping(node, path, {"claimSource", "secretSource"})) return std::nullopt;
    if (static_cast<bool>(field(node, "claimSource")) == static_cast<bool>(field(node, "secretSource"))) {
        r.fail(path, "needs exactly one of claimSource or secretSource");
        return std::nullopt;
    }
    identity::InjectedValue v;
    if (field(node, "secretSource")) {
        auto value = r.secret(field(node, "secretSource"), child(path, "secretSource"), env);
        if (!value) return std::nullopt;
        v.fixed = crypto::Secret(std::move(*value));
        return v;
    }
    const YAML::Node c = field(node, "claimSource");
    const std::string at = child(path, "claimSource");
    if (!r.mapping(c, at, {"claim", "prefix", "basicAuthPassword"})) return std::nullopt;
    const auto name = field(c, "claim") ? r.text(field(c, "claim"), child(at, "claim")) : std::nullopt;
    if (!name) {
        if (!field(c, "claim")) r.fail(child(at, "claim"), "missing");
        return std::nullopt;
    }
    const auto claim = claim_named(*name);
    if (!claim) {
        r.fail(child(at, "claim"), "'" + *name + "' is not kept in Gatehouse's sessions: a header can carry user, email, "
                                   "groups, preferred_username, access_token or id_token (to pick the ID token "
                                   "claims that become email and groups, use oidcConfig.emailClaim and groupsClaim)");
        return std::nullopt;
    }
    v.claim = *claim;
    if (field(c, "prefix"))
        if (auto prefix = r.text(field(c, "prefix"), child(at, "prefix"))) v.prefix = *prefix;
    if (field(c, "basicAuthPassword")) {
        auto password = r.secret(field(c, "basicAuthPassword"), child(at, "basicAuthPassword"), env);
        if (!password) return std::nullopt;
        v.basic_auth_password = crypto::Secret(std::move(*password));
    }
    return v;
}

}  // namespace

std::vector<identity::InjectedHeader> read_headers(Reader& r, const YAML::Node& node, const std::string& path,
                                                   const AlphaEnvironment& env) {
    std::vector<identity::InjectedHeader> headers;
    if (!r.sequence(node, path)) return headers;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node h = node[i];
        const std::string at = item(path, i);
        if (!r.mapping(h, at, {"name", "preserveRequestValue", "InsecureSkipHeaderNormalization", "values"})) continue;
        identity::InjectedHeader header;
        if (auto name = field(h, "name") ? r.text(field(h, "name"), child(at, "name")) : std::nullopt) header.name = *name;
        header.folded_name = identity::folded_header_name(header.name);
        if (!is_token(header.name)) {
            r.fail(child(at, "name"), header.name.empty() ? "missing" : "'" + header.name + "' is not a header name");
            continue;
        }
        if (framing_header(header.folded_name)) {
            r.fail(child(at, "name"), "'" + header.name + "' cannot be injected (it frames the message or carries the "
                                      "client's own cookies)");
            continue;
        }
        const bool duplicate = std::any_of(headers.begin(), headers.end(),
                                           [&](const auto& other) { return other.folded_name == header.folded_name; });
        if (duplicate) r.fail(child(at, "name"), "'" + header.name + "' is named twice: give it several values instead");
        // The client's own value beside the injected one would let a client claim another identity.
        r.refuse_if_set(h, "preserveRequestValue", at, "the client's value of an injected header is always removed");
        r.refuse_if_set(h, "InsecureSkipHeaderNormalization", at,
                        "look-alikes (X_Forwarded_User) of an injected header are always removed");
        if (!field(h, "values")) {
            r.fail(child(at, "values"), "missing: a header needs at least one value");
            continue;
        }
        if (!r.sequence(field(h, "values"), child(at, "values"))) continue;
        for (std::size_t j = 0; j < field(h, "values").size(); ++j)
            if (auto v = read_value(r, field(h, "values")[j], item(child(at, "values"), j), env)) header.values.push_back(std::move(*v));
        headers.push_back(std::move(header));
    }
    return headers;
}

}  // namespace gh::options::alpha
