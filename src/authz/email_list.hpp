#pragma once
// --authenticated-emails-file: one e-mail address per line, allowed whatever its domain. The file is
// re-read when it changes; readers always see one whole list (swapped atomically), never a half-read one.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

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

class WatchedEmailList {
public:
    // Loads `path` now; throws std::runtime_error naming the file when it cannot be read.
    explicit WatchedEmailList(std::string path);

    // Re-reads the file if its modification time or size changed. A failed read keeps the old list
    // and returns why; an empty string otherwise.
    std::string reload_if_changed();

    bool contains(std::string_view email) const { return list_.load()->contains(email); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::atomic<std::shared_ptr<const EmailList>> list_;
    std::int64_t mtime_ns_ = 0;
    std::int64_t size_ = -1;
};

}  // namespace gh::authz
