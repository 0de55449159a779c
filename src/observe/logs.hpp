#pragma once
// The three logs oauth2-proxy users know: standard (start-up, IdP, Redis, warnings), request (one line per
// answer) and auth (who was refused and why; sign-ins). Text lines follow oauth2-proxy's default formats,
// or the operator's --*-logging-format; --logging-format=json writes one JSON object per line instead.
// Lines never carry a token, cookie or secret: the fields below are all there is.
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::observe {

inline constexpr std::string_view kDefaultStandardFormat = "[{{.Timestamp}}] [{{.File}}] {{.Message}}";
inline constexpr std::string_view kDefaultRequestFormat =
    "{{.Client}} - {{.RequestID}} - {{.Username}} [{{.Timestamp}}] {{.Host}} {{.RequestMethod}} {{.Upstream}} "
    "{{.RequestURI}} {{.Protocol}} {{.UserAgent}} {{.StatusCode}} {{.ResponseSize}} {{.RequestDuration}}";
inline constexpr std::string_view kDefaultAuthFormat =
    "{{.Client}} - {{.RequestID}} - {{.Username}} [{{.Timestamp}}] [{{.Status}}] {{.Message}}";

// Field names each template may use (oauth2-proxy's).
std::span<const std::string_view> standard_fields();
std::span<const std::string_view> request_fields();
std::span<const std::string_view> auth_fields();

struct LogSettings {
    bool json = false;
    bool standard = true;
    bool request = true;
    bool auth = true;
    bool local_time = true;
    std::string standard_format{kDefaultStandardFormat};
    std::string request_format{kDefaultRequestFormat};
    std::string auth_format{kDefaultAuthFormat};
};

// Checks a template against its fields: empty when fine, else what is wrong.
std::string check_format(std::string_view format, std::span<const std::string_view> fields);

// Installs the settings and routes spdlog (the standard log) through them. Call once, before threads start.
// Throws std::invalid_argument for a template check_format refuses.
void configure_logs(const LogSettings& settings);

struct RequestLine {
    std::string_view client;
    std::string_view request_id;
    std::string_view user;
    std::string_view host;
    std::string_view method;
    std::string_view upstream;
    std::string_view uri;
    std::string_view protocol;
    std::string_view user_agent;
    int status = 0;
    std::size_t response_size = 0;
    std::chrono::nanoseconds duration{0};
};

void log_request(const RequestLine& line);

enum class AuthStatus { success, failure, error };

struct AuthLine {
    AuthStatus status = AuthStatus::failure;
    std::string_view client;
    std::string_view request_id;
    std::string_view user;
    // What happened, as a sentence with key="value" pairs; the JSON form adds the fields below.
    std::string_view message;
    std::string_view reason;  // the decision's reason code (e.g. no_session), when there is one
    int http_status = 0;
    std::string_view host;
    std::string_view path;
};

void log_auth(const AuthLine& line);

bool request_logging_on();
bool auth_logging_on();

}  // namespace gh::observe
