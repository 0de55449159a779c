#include "doors/identity_headers.hpp"

namespace gh::doors {

void write_identity_headers(const session::Session& s, const options::Options& o, http::Response& res) {
    for_each_identity_header(s, o, [&res](std::string_view name, std::string_view value) { res.header(name, value); });
}

bool is_identity_header(std::string_view lower_case_name) {
    return lower_case_name == "gap-auth" || lower_case_name.starts_with("x-auth-request-");
}

}  // namespace gh::doors
