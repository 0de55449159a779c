#pragma once
// The end of a sign-in, by the identity provider's callback or by the password form alike.
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace gh::login {

// The auth log's success line (`message`, about `user`), and the answer: a redirect to `rd` that sets the new
// session's cookies and clears the cookie that held the sign-in's CSRF token (`cleared_csrf`, a Set-Cookie value).
void answer_signed_in(const http::Request& req, http::Response& res, std::string_view user, const std::string& message,
                      std::string_view rd, const std::vector<std::string>& set_cookies,
                      const std::string& cleared_csrf);

}  // namespace gh::login
