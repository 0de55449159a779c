#pragma once
// The auth log's line for a refused request, the same from every door (HTTP and gRPC).
#include <string_view>

#include "doors/bearer_challenge.hpp"
#include "gate/gate.hpp"
#include "session/session.hpp"

namespace gh::doors {

// Who a refusal may name: the user of a session that was read and refused as signed in. A 401 (no session, or
// refused credentials) has no identity worth trusting.
inline bool user_is_known(const gate::Decision& d) {
    return d.verdict == gate::Verdict::forbidden && !is_credential_refusal(d.reason);
}

struct DeniedRequest {
    std::string_view door;            // "door=grpc " or empty: the message's first field after "auth: "
    std::string_view client;          // the line's client field
    std::string_view client_in_text;  // the client as the message shows it
    std::string_view request_id;
    std::string_view host;
    std::string_view path;
};

// Logs `d` (a refusal, answered with `status`), naming the user of `s` when user_is_known(d). Nothing when the
// auth log is off.
void log_denied_request(const DeniedRequest& r, const gate::Decision& d, const session::Session& s, int status);

}  // namespace gh::doors
