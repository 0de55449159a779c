#pragma once
// The identity headers oauth2-proxy puts on an allowed auth answer.
#include <string_view>

#include "http/response.hpp"
#include "identity/config.hpp"
#include "session/session.hpp"

namespace gh::identity {

// Calls `emit(name, value)` for X-Auth-Request-* (with --set-xauthrequest, and -Access-Token with
// --pass-access-token), Authorization (--set-authorization-header, --set-basic-auth) and GAP-Auth. Values come only from the session, never from the request, so a
// client cannot inject an identity. The views are valid until the next call on this thread. Names are spelled as
// oauth2-proxy writes them (`canonical`, for HTTP/1.1), or in lower case, as HTTP/2 and Envoy's gRPC answers want;
// --alpha-config's names are passed as configured either way.
enum class NameCase { canonical, lower };
template <class Emit>
void for_each_identity_header(const session::Session& s, const Config& o, Emit&& emit,
                              NameCase names = NameCase::canonical);

// The same, written onto an HTTP answer.
void write_identity_headers(const session::Session& s, const Config& o, http::Response& res);

// The user a Basic credential or X-Forwarded-User names: the e-mail with --prefer-email-to-user (when known).
std::string_view upstream_user(const session::Session& s, const Config& o);
// "Basic base64(user:password)" (RFC 7617) for --pass-basic-auth and --set-basic-auth.
std::string basic_credentials(std::string_view user, std::string_view password);
// The Authorization value of an allowed answer: "Bearer <ID token>" with --set-authorization-header (when the
// session has one), else Basic credentials with --set-basic-auth, else empty. Valid until the next call on this
// thread.
std::string_view authorization_answer(const session::Session& s, const Config& o);

// Whether a client-sent header `name` (any case) passes for one of the identity headers Gatehouse sets: those
// for_each_identity_header emits, and the reverse proxy's X-Forwarded-User, -Email, -Groups,
// -Preferred-Username and -Access-Token. '_' and '.' count as '-': CGI, PHP and several WSGI servers hand the app
// X_Forwarded_Email as HTTP_X_FORWARDED_EMAIL, the same variable as X-Forwarded-Email. Allocation-free: the gRPC
// door asks it for every header of every Check.
bool is_identity_header(std::string_view name);
// Whether header `name` (any case, '_' and '.' as '-') is the one named `lower` (lower case, '-' only) to such an
// app.
bool same_header_to_an_app(std::string_view name, std::string_view lower);
// `name` as same_header_to_an_app compares it: lower case, '_' and '.' as '-'.
std::string folded_header_name(std::string_view name);

// The value of an alpha-configured header for this session: its values in order, joined by ',' (a claim with
// several values, groups, gives one per value); empty when the session has none of them (no header then). Valid
// until the next call on this thread.
std::string_view injected_value(const InjectedHeader& h, const session::Session& s);
// Whether a client-sent header `name` passes for one of `headers` (any case, '_' and '.' as '-').
bool is_injected_header(std::string_view name, const std::vector<InjectedHeader>& headers);

template <class Emit>
void for_each_identity_header(const session::Session& s, const Config& o, Emit&& emit, NameCase names) {
    // Each built-in name in both spellings, so that no answer lower-cases them per request.
    const auto name = [names](std::string_view canonical, std::string_view lower) {
        return names == NameCase::lower ? lower : canonical;
    };
    // oauth2-proxy sets GAP-Auth on every success: the e-mail when known, otherwise the user.
    emit(name("GAP-Auth", "gap-auth"), std::string_view(s.email.empty() ? s.user : s.email));
    if (o.response_headers) {  // --alpha-config: its list alone
        for (const auto& h : *o.response_headers)
            if (const auto value = injected_value(h, s); !value.empty()) emit(std::string_view(h.name), value);
        return;
    }
    if (o.set_xauthrequest) {
        emit(name("X-Auth-Request-User", "x-auth-request-user"), std::string_view(s.user));
        if (!s.email.empty()) emit(name("X-Auth-Request-Email", "x-auth-request-email"), std::string_view(s.email));
        if (!s.preferred_username.empty())
            emit(name("X-Auth-Request-Preferred-Username", "x-auth-request-preferred-username"),
                 std::string_view(s.preferred_username));
        if (!s.groups.empty()) {
            // Built in a reused buffer: the joined list is the one variable-size value on the hot path.
            thread_local std::string joined;
            joined.clear();
            for (const auto& g : s.groups) {
                if (!joined.empty()) joined += ',';
                joined += g;
            }
            emit(name("X-Auth-Request-Groups", "x-auth-request-groups"), std::string_view(joined));
        }
        if (o.pass_access_token && !s.access_token.empty())
            emit(name("X-Auth-Request-Access-Token", "x-auth-request-access-token"), std::string_view(s.access_token));
    }
    if (o.set_authorization_header || o.set_basic_auth)
        if (const auto value = authorization_answer(s, o); !value.empty())
            emit(name("Authorization", "authorization"), value);
}

}  // namespace gh::identity
