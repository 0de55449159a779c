#include "http/form.hpp"

namespace gh::http {

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) {
        if (!out.empty()) out += '&';
        out += text::percent_encode(k);
        out += '=';
        out += text::percent_encode(v);
    }
    return out;
}

}  // namespace gh::http
