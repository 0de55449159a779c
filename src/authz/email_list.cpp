#include "authz/email_list.hpp"

#include <sys/stat.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gh::authz {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

EmailList EmailList::parse(std::string_view text) {
    EmailList list;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        list.emails_.insert(lower(line));
    }
    return list;
}

bool EmailList::contains(std::string_view email) const { return !email.empty() && emails_.contains(lower(email)); }

WatchedEmailList::WatchedEmailList(std::string path) : path_(std::move(path)) {
    if (auto error = reload_if_changed(); !error.empty()) throw std::runtime_error(error);
}

std::string WatchedEmailList::reload_if_changed() {
    struct stat st{};
    if (::stat(path_.c_str(), &st) != 0) return "--authenticated-emails-file: cannot read " + path_;
    const std::int64_t mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    if (mtime == mtime_ns_ && st.st_size == size_ && list_.load()) return {};
    const auto text = read_file(path_);
    if (!text) return "--authenticated-emails-file: cannot read " + path_;
    list_.store(std::make_shared<const EmailList>(EmailList::parse(*text)));
    mtime_ns_ = mtime;
    size_ = st.st_size;
    return {};
}

}  // namespace gh::authz
