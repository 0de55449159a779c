#include "login/redirect_target.hpp"

namespace gh::login {

std::string requested_redirect(const http::Request& req, bool trust_forwarded) {
    std::string rd = http::query_param(req.query(), "rd").value_or("");
    if (rd.empty() && trust_forwarded) rd = std::string(req.header("X-Auth-Request-Redirect"));
    return rd;
}

}  // namespace gh::login
