#pragma once
// The id that ties an error page to its log lines: the proxy's X-Request-Id when it sent a sane one (so the
// ingress's access log matches too), otherwise a fresh random one. Chosen once per request.
#include <string_view>

#include "http/request.hpp"

namespace gh::http {

// Valid while `req` is.
std::string_view request_id(const Request& req);

}  // namespace gh::http
