#pragma once
// A configuration file that is re-read when it changes (--authenticated-emails-file, --policy-file,
// --htpasswd-file). Readers always see one whole, valid version, swapped atomically; a reload that fails keeps the
// previous version.
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "concurrent/published.hpp"
#include "result/result.hpp"

namespace gh::authz {

template <class T>
class WatchedFile {
public:
    // Makes a T of the file's text, or says every problem in it.
    using Reader = std::function<Result<T, Errors>(std::string_view)>;

    // Loads the file, or says why it cannot: "--flag: cannot read PATH", or each problem in it as
    // "--flag: PATH: line N: why".
    static Result<std::unique_ptr<WatchedFile>, Errors> open(std::string flag, std::string path, Reader read) {
        std::unique_ptr<WatchedFile> file(
            new WatchedFile(std::move(flag), std::move(path), std::move(read), Unloaded{}));
        if (auto loaded = file->load_if_changed(); !loaded) return failure(loaded.error());
        return file;
    }
    // The throwing form of open(), for files known to be good (tests): std::runtime_error naming the first
    // problem.
    WatchedFile(std::string flag, std::string path, Reader read)
        : WatchedFile(std::move(flag), std::move(path), std::move(read), Unloaded{}) {
        if (auto error = reload_if_changed(); !error.empty()) throw std::runtime_error(error);
    }

    // Re-reads the file if its modification time or size changed. On a problem the previous version stays in
    // force.
    Result<void, Errors> load_if_changed() {
        struct stat st{};
        if (::stat(path_.c_str(), &st) != 0) return unreadable();
        const std::int64_t mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        if (mtime == mtime_ns_ && st.st_size == size_ && current_.published()) return {};
        mtime_ns_ = mtime;
        size_ = st.st_size;
        std::ifstream in(path_, std::ios::binary);
        if (!in) return unreadable();
        std::ostringstream text;
        text << in.rdbuf();
        auto loaded = read_(text.str());
        if (!loaded) return failure(found_in(loaded.error(), flag_ + ": " + path_));
        current_.publish(std::make_shared<const T>(std::move(*loaded)));
        return {};
    }

    // Re-reads the file whatever its modification time says (SIGHUP: the operator knows it changed).
    Result<void, Errors> load() {
        mtime_ns_ = -1;
        return load_if_changed();
    }

    // load_if_changed() and load() as one line for tests: the first problem, or empty.
    std::string reload_if_changed() { return first_problem(load_if_changed()); }
    std::string reload() { return first_problem(load()); }

    std::shared_ptr<const T> current() const { return current_.load(); }

    // The current version through a per-thread cache (no lock while the file is unchanged). The reference is
    // valid until this thread's next call.
    const T& current_for_this_thread() const { return *current_.for_this_thread(); }
    const std::string& path() const { return path_; }
    // How many versions have been loaded (1 after construction): lets the caller log successful reloads.
    int generation() const { return static_cast<int>(current_.generation()); }

private:
    struct Unloaded {};
    WatchedFile(std::string flag, std::string path, Reader read, Unloaded)
        : flag_(std::move(flag)), path_(std::move(path)), read_(std::move(read)) {}

    Result<void, Errors> unreadable() const {
        return failure(Error{.code = ErrorCode::unreadable_file, .message = "cannot read " + path_, .source = flag_});
    }
    static std::string first_problem(const Result<void, Errors>& result) {
        return result ? std::string{} : describe(result.error().front());
    }

    std::string flag_;
    std::string path_;
    Reader read_;
    concurrent::Published<T> current_;
    std::int64_t mtime_ns_ = 0;
    std::int64_t size_ = -1;
};

}  // namespace gh::authz
