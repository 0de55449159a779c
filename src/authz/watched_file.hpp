#pragma once
// A configuration file that is re-read when it changes (--authenticated-emails-file, --policy-file). Readers
// always see one whole, valid version, swapped atomically; a reload that fails keeps the previous version.
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "concurrent/published.hpp"

namespace gh::authz {

template <class T>
class WatchedFile {
public:
    // `parse` throws std::invalid_argument on bad content. The constructor loads the file and throws
    // std::runtime_error "--flag: path: why" when it cannot.
    WatchedFile(std::string flag, std::string path, std::function<T(std::string_view)> parse)
        : flag_(std::move(flag)), path_(std::move(path)), parse_(std::move(parse)) {
        if (auto error = reload_if_changed(); !error.empty()) throw std::runtime_error(error);
    }

    // Re-reads the file if its modification time or size changed. Returns why a reload failed (the previous
    // version stays in force), or an empty string.
    std::string reload_if_changed() {
        struct stat st{};
        if (::stat(path_.c_str(), &st) != 0) return flag_ + ": cannot read " + path_;
        const std::int64_t mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        if (mtime == mtime_ns_ && st.st_size == size_ && current_.published()) return {};
        mtime_ns_ = mtime;
        size_ = st.st_size;
        std::ifstream in(path_, std::ios::binary);
        if (!in) return flag_ + ": cannot read " + path_;
        std::ostringstream text;
        text << in.rdbuf();
        try {
            current_.publish(std::make_shared<const T>(parse_(text.str())));
        } catch (const std::invalid_argument& e) {
            return flag_ + ": " + path_ + ": " + e.what();
        }
        return {};
    }

    // Re-reads the file whatever its modification time says (SIGHUP: the operator knows it changed).
    std::string reload() {
        mtime_ns_ = -1;
        return reload_if_changed();
    }

    std::shared_ptr<const T> current() const { return current_.load(); }

    // The current version through a per-thread cache (no lock while the file is unchanged). The reference is
    // valid until this thread's next call.
    const T& current_for_this_thread() const { return *current_.for_this_thread(); }
    const std::string& path() const { return path_; }
    // How many versions have been loaded (1 after construction): lets the caller log successful reloads.
    int generation() const { return static_cast<int>(current_.generation()); }

private:
    std::string flag_;
    std::string path_;
    std::function<T(std::string_view)> parse_;
    concurrent::Published<T> current_;
    std::int64_t mtime_ns_ = 0;
    std::int64_t size_ = -1;
};

}  // namespace gh::authz
