#pragma once
// The files an operator may edit while Gatehouse runs (--authenticated-emails-file, --policy-file,
// --htpasswd-file): loaded at start, re-read when they change and on SIGHUP.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "authz/email_list.hpp"
#include "authz/policy.hpp"
#include "authz/watched_file.hpp"
#include "credentials/htpasswd.hpp"
#include "options/options.hpp"
#include "result/result.hpp"

namespace gh::app {

// Each null when its flag is not set.
struct WatchedFiles {
    std::unique_ptr<authz::WatchedEmailList> emails;
    std::unique_ptr<authz::WatchedFile<authz::Policy>> policy;
    std::unique_ptr<authz::WatchedFile<credentials::Htpasswd>> htpasswd;
};

// Loads every file the options name, or says every problem of every one of them.
Result<WatchedFiles, Errors> open_watched_files(const options::Options& o);

// Re-reads the files on `io`: each once a second when it changed, and all of them at once on SIGHUP. Call it
// before `io` runs on any thread, so that an early SIGHUP is handled rather than ending the process.
void watch_files(boost::asio::io_context& io, const WatchedFiles& files);

}  // namespace gh::app
