#pragma once
// file:///dir#/path upstreams: the files of a directory served to signed-in users, as oauth2-proxy's file
// upstreams are (GET and HEAD; a directory's index.html; Last-Modified and If-Modified-Since). Opening, checking
// and reading files can block on a slow disk or a network volume, so it happens on a small pool of its own, never
// on an I/O thread; the bytes go to the client from the I/O thread, one piece at a time.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"
#include "proxy/config.hpp"

namespace gh::proxy {

// The file a request path names under an upstream, relative to its directory: the path after the upstream's
// route, percent-decoded, with no "." or ".." segment, no NUL and no backslash. Empty when the path is refused.
// "/" names the directory itself.
std::string file_relative_path(std::string_view request_path, std::string_view route);

// Content-Type by file extension (the types a web app ships); application/octet-stream otherwise.
std::string_view content_type_for(std::string_view file_name);

class FileUpstream {
public:
    FileUpstream() = default;
    ~FileUpstream();
    FileUpstream(const FileUpstream&) = delete;
    FileUpstream& operator=(const FileUpstream&) = delete;

    // Answers `req` (a streamed request) from `to`'s directory. `extra_head`: header lines added to a 200.
    boost::asio::awaitable<void> serve(const http::Request& req, const Upstream& to,
                                       const std::string& extra_head, http::Response& res) const;

private:
    mutable boost::asio::thread_pool pool_{2};
};

}  // namespace gh::proxy
