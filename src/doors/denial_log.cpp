#include "doors/denial_log.hpp"

#include <spdlog/fmt/fmt.h>

#include "observe/log_text.hpp"
#include "observe/logs.hpp"

namespace gh::doors {

void log_denied_request(const DeniedRequest& r, const gate::Decision& d, const session::Session& s, int status) {
    if (!observe::auth_logging_on()) return;
    const bool known = user_is_known(d);
    const std::string_view user = known ? std::string_view(s.email.empty() ? s.user : s.email) : std::string_view{};
    std::string message =
        fmt::format("auth: {}status={} reason=\"{}\" client={} user=\"{}\" email=\"{}\" host=\"{}\" path=\"{}\"",
                    r.door, status, gate::to_string(d.reason), r.client_in_text, known ? observe::log_text(s.user) : "",
                    known ? observe::log_text(s.email) : "", observe::log_text(r.host), observe::log_text(r.path));
    if (!d.detail.empty()) message += " detail=\"" + observe::log_text(d.detail) + "\"";
    observe::log_auth(
        {.status = d.verdict == gate::Verdict::unavailable ? observe::AuthStatus::error : observe::AuthStatus::failure,
         .client = r.client,
         .request_id = r.request_id,
         .user = user,
         .message = message,
         .reason = gate::metric_name(d.reason),
         .http_status = status,
         .host = r.host,
         .path = r.path});
}

}  // namespace gh::doors
