#pragma once
// The parsers of flag values into their fields, each with the check of one value (one flag's rules that span
// several flags are in the area checks). Each returns the problem, or an empty string; the caller names the flag.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "options/options.hpp"

namespace gh::options::parse {

std::string absolute_path(std::string_view text, std::string& into);      // starts with /
std::string prefix_path(std::string_view text, std::string& into);        // absolute, trailing / dropped
std::string optional_http_url(std::string_view text, std::string& into);  // empty, or an http(s) URL
std::string cookie_name(std::string_view text, std::string& into);
std::string code_challenge_method(std::string_view text, std::string& into);
std::string approval_prompt(std::string_view text, std::string& into);
// --redirect-url: an http(s) URL, or a path (allowed by --relative-redirect-url only).
std::string redirect_url(std::string_view text, std::string& into);
// --skip-auth-strip-headers: only true, which is what Gatehouse always does.
std::string strip_identity_headers(std::string_view text, bool& into);
std::string session_store_type(std::string_view text, std::string& into);
std::string same_site(std::string_view text, session::SameSite& into);
std::string original_request_headers(std::string_view text, Options::OriginalRequestHeaders& into);
std::string client_ip_header(std::string_view text, std::string& into);  // stored in its canonical spelling
std::string listen_address(std::string_view text, ListenAddress& into);
std::string optional_listen_address(std::string_view text, std::optional<ListenAddress>& into);
std::string optional_listen_text(std::string_view text, std::string& into);
std::string logging_format(std::string_view text, bool& json);
std::string standard_log_format(std::string_view text, std::string& into);
std::string request_log_format(std::string_view text, std::string& into);
std::string auth_log_format(std::string_view text, std::string& into);

template <class Duration>
std::string positive_duration(std::string_view text, Duration& into) {
    const auto v = parse_duration(text);
    if (!v) return "'" + std::string(text) + "' is not a duration (e.g. 168h, 1h30m, 15s)";
    into = std::chrono::duration_cast<Duration>(*v);
    return into.count() > 0 ? std::string{} : "must be positive";
}
std::string at_least_a_second(std::string_view text, std::chrono::milliseconds& into);

// List items: each appended to the field.
std::string add_absolute_path(std::string_view item, std::vector<std::string>& into);
std::string add_ip_range(std::string_view item, std::vector<http::IpRange>& into);
std::string add_upstream(std::string_view item, std::vector<Options::Upstream>& into);  // paths unique
std::string add_certificate_source(std::string_view item, Options::ClientCertificateHeaders& into);
std::string add_jwt_issuer(std::string_view item, std::vector<Options::JwtIssuer>& into);
std::string add_cookie_secret(std::string_view item, std::vector<Secret>& into);  // never echoes the value
// A path regex of --skip-auth-regex or --api-route, grouped so that no "GET=" or "!=" inside it reads as a method
// rule of the path rules they become.
std::string add_path_regex(std::string_view item, std::vector<std::string>& into);

// The cookie secret's bytes, or the problem (which never echoes the value).
std::string cookie_secret(std::string_view text, Secret& into);

}  // namespace gh::options::parse
