#include "proxy/file_upstream.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <climits>
#include <cstdlib>
#include <vector>

#include "http/exchange.hpp"
#include "http/form.hpp"
#include "text/http_date.hpp"
#include "http/request_id.hpp"
#include "observe/log_text.hpp"

namespace gh::proxy {
namespace {

namespace asio = boost::asio;
constexpr std::size_t kPiece = 64 * 1024;

// An open file, closed when this goes.
class FileHandle {
public:
    FileHandle() = default;
    explicit FileHandle(int fd) : fd_(fd) {}
    FileHandle(FileHandle&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    FileHandle& operator=(FileHandle&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~FileHandle() {
        if (fd_ >= 0) ::close(fd_);
    }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

// What a lookup on the pool found.
struct Lookup {
    enum class Outcome { file, not_found, add_slash } outcome = Outcome::not_found;
    FileHandle file;
    std::uint64_t size = 0;
    std::int64_t modified = 0;
    std::string name;  // the file's real name, for its Content-Type
    std::string why;   // for the log when refused
};

std::string real_path(const std::string& path) {
    char resolved[PATH_MAX];
    return ::realpath(path.c_str(), resolved) ? std::string(resolved) : std::string{};
}

bool is_within(const std::string& path, const std::string& root) {
    return path == root ||
           (path.size() > root.size() && path.starts_with(root) && (root.ends_with('/') || path[root.size()] == '/'));
}

// Blocking: runs on the pool. Symbolic links are followed (Kubernetes mounts a ConfigMap's files through them)
// as long as the file they reach is inside the directory.
Lookup look_up(const std::string& directory, const std::string& relative, bool path_ends_with_slash) {
    Lookup found;
    const std::string root = real_path(directory);
    if (root.empty()) {
        found.why = "the directory is gone";
        return found;
    }
    std::string real = real_path(relative == "/" ? root : root + relative);
    if (real.empty()) return found;
    if (!is_within(real, root)) {
        found.why = "a link leads outside the directory";
        return found;
    }
    struct stat st {};
    if (::stat(real.c_str(), &st) != 0) return found;
    if (S_ISDIR(st.st_mode)) {
        // As a web server does: a directory's URL ends with "/", so that the page's relative links resolve.
        if (!path_ends_with_slash) {
            found.outcome = Lookup::Outcome::add_slash;
            return found;
        }
        real = real_path(real + "/index.html");  // no listing of a directory's files
        if (real.empty() || !is_within(real, root) || ::stat(real.c_str(), &st) != 0) return found;
    }
    if (!S_ISREG(st.st_mode)) {
        found.why = "not a regular file";
        return found;
    }
    const int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        found.why = "cannot open it";
        return found;
    }
    found.file = FileHandle(fd);
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return found;
    found.outcome = Lookup::Outcome::file;
    found.size = static_cast<std::uint64_t>(st.st_size);
    found.modified = static_cast<std::int64_t>(st.st_mtim.tv_sec);
    found.name = std::move(real);
    return found;
}

void answer_plain(http::Response& res, int status, std::string_view body) {
    res.status(status);
    res.header("Cache-Control", "no-store");
    res.finish(body);
}

// The answers a lookup gives without a file: a directory's URL without its "/" is redirected to it, as a web server
// does (so that the page's relative links resolve); nothing found, or refused, is a 404. True when one was given.
bool answered_without_file(const http::Request& req, const Upstream& to, const Lookup& found,
                           http::Response& res) {
    if (found.outcome == Lookup::Outcome::add_slash) {
        const std::string query(req.query());
        res.status(301);
        res.header("Location", std::string(req.path()) + "/" + (query.empty() ? "" : "?" + query));
        res.finish();
        return true;
    }
    if (found.outcome == Lookup::Outcome::not_found) {
        if (!found.why.empty())
            spdlog::info("file: refused \"{}\" under {}: {} request_id={}", observe::log_text(req.path()), to.text,
                         found.why, http::request_id(req));
        answer_plain(res, 404, "Not Found\n");
        return true;
    }
    return false;
}

// A client whose copy is as new as the file (If-Modified-Since) gets a 304. True when it did.
bool answered_not_modified(const http::Request& req, std::int64_t modified, const std::string& last_modified,
                           http::Response& res) {
    const auto since = text::parse_http_date(req.header("If-Modified-Since"));
    if (!since || modified > *since) return false;
    res.status(304);
    res.header("Last-Modified", last_modified);
    res.finish();
    return true;
}

// The head of a 200 with the file: its type, length and date, then `extra_head`.
std::string file_answer_head(const http::Request& req, const Lookup& found, const std::string& last_modified,
                             const std::string& extra_head, bool keep_alive) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: ";
    head.append(content_type_for(found.name)).append("\r\nContent-Length: ").append(std::to_string(found.size));
    head.append("\r\nLast-Modified: ").append(last_modified);
    head.append("\r\nX-Content-Type-Options: nosniff\r\n");
    if (!keep_alive)
        head.append("Connection: close\r\n");
    else if (req.protocol() == "HTTP/1.0")
        head.append("Connection: keep-alive\r\n");
    head.append(extra_head).append("\r\n");
    return head;
}

}  // namespace

std::string file_relative_path(std::string_view request_path, std::string_view route) {
    std::string_view rest = request_path;
    if (route != "/" && rest.starts_with(route))
        rest.remove_prefix(route.ends_with('/') ? route.size() - 1 : route.size());
    const std::string decoded = text::percent_decode(rest);
    if (decoded.empty()) return "/";
    if (!decoded.starts_with('/') || decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos)
        return {};
    std::string out;
    std::size_t start = 1;
    while (start <= decoded.size()) {
        const auto end = std::min(decoded.find('/', start), decoded.size());
        const std::string_view segment = std::string_view(decoded).substr(start, end - start);
        if (segment == "." || segment == "..") return {};
        if (!segment.empty()) out.append("/").append(segment);
        start = end + 1;
    }
    return out.empty() ? "/" : out;
}

std::string_view content_type_for(std::string_view file_name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".xml", "application/xml"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".pdf", "application/pdf"},
        {".wasm", "application/wasm"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".csv", "text/csv; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    }};
    const auto dot = file_name.rfind('.');
    const auto slash = file_name.rfind('/');
    if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
        const std::string_view extension = file_name.substr(dot);
        for (const auto& [ext, type] : kTypes)
            if (boost::beast::iequals(ext, extension)) return type;
    }
    return "application/octet-stream";
}

FileUpstream::~FileUpstream() {
    pool_.join();
}

asio::awaitable<void> FileUpstream::serve(const http::Request& req, const Upstream& to,
                                          const std::string& extra_head, http::Response& res) const {
    const std::string_view method = req.method();
    if (method != "GET" && method != "HEAD") {
        res.status(405);
        res.header("Allow", "GET, HEAD");
        res.finish("Method Not Allowed\n");
        co_return;
    }
    const std::string relative = file_relative_path(req.path(), to.path);
    if (relative.empty()) {
        spdlog::info("file: refused path \"{}\" under {} request_id={}", observe::log_text(req.path()), to.text,
                     http::request_id(req));
        answer_plain(res, 404, "Not Found\n");
        co_return;
    }
    const auto home = co_await asio::this_coro::executor;
    co_await asio::post(pool_, asio::use_awaitable);
    Lookup found = look_up(to.directory, relative, req.path().ends_with('/'));
    co_await asio::post(home, asio::use_awaitable);
    if (answered_without_file(req, to, found, res)) co_return;
    const std::string last_modified = text::format_http_date(found.modified);
    if (answered_not_modified(req, found.modified, last_modified, res)) co_return;

    http::Exchange& client = *req.exchange();
    const std::string head = file_answer_head(req, found, last_modified, extra_head, res.keep_alive());
    boost::system::error_code ec;
    co_await client.write(asio::buffer(head), ec);
    res.log_answer(200, 0);
    if (ec || method == "HEAD") {
        client.answered(!ec && res.keep_alive());
        co_return;
    }
    std::vector<char> piece(kPiece);
    std::uint64_t sent = 0;
    while (sent < found.size) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, found.size - sent));
        co_await asio::post(pool_, asio::use_awaitable);
        const ssize_t n = ::pread(found.file.fd(), piece.data(), want, static_cast<off_t>(sent));
        co_await asio::post(home, asio::use_awaitable);
        if (n <= 0) {
            // The file shrank (or the disk failed) after its length was sent: the client must see a cut-off body.
            spdlog::warn("file: {} ended at {} of {} bytes request_id={}", found.name, sent, found.size,
                         http::request_id(req));
            client.answered(false);
            co_return;
        }
        co_await client.write(asio::buffer(piece.data(), static_cast<std::size_t>(n)), ec);
        if (ec) {
            client.answered(false);
            co_return;
        }
        sent += static_cast<std::uint64_t>(n);
    }
    res.log_answer(200, sent);
    client.answered(res.keep_alive());
}

}  // namespace gh::proxy
