#include "authz/email_list.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "text/ascii.hpp"

namespace gh::authz {

EmailList EmailList::parse(std::string_view text) {
    EmailList list;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        list.emails_.insert(text::lower(line));
    }
    return list;
}

bool EmailList::contains(std::string_view email) const { return !email.empty() && emails_.contains(text::lower(email)); }

}  // namespace gh::authz
