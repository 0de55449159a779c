#pragma once
// --authenticated-emails-file: one e-mail address per line, allowed whatever its domain.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "authz/watched_file.hpp"

namespace gh::authz {

class EmailList {
public:
    // Blank lines and lines starting with '#' are skipped; addresses compare case-insensitively.
    static EmailList parse(std::string_view text);
    bool contains(std::string_view email) const;
    std::size_t size() const { return emails_.size(); }

private:
    std::unordered_set<std::string> emails_;  // lower case
};

using WatchedEmailList = WatchedFile<EmailList>;

}  // namespace gh::authz
