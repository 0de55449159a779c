#pragma once
// The id that ties an error page to its log line: the proxy's X-Request-Id when it sent a sane one (so the
// ingress's access log matches too), otherwise a fresh random one.
#include <string>

#include "http/request.hpp"

namespace gh::http {

std::string request_id(const Request& req);

}  // namespace gh::http
