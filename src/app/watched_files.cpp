#include "app/watched_files.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gh::app {
namespace {

namespace asio = boost::asio;

// One line a problem, each still saying what stays in force: a bad edit must not look like an outage.
void warn_kept(std::string_view prefix, const Errors& problems) {
    for (const auto& e : problems) spdlog::warn("{}{}; keeping the previous version", prefix, describe(e));
}

// Loads the file the flag names into `into`, or adds its problems; nothing when the flag is not set.
template <class T, class Reader>
void open_into(std::unique_ptr<authz::WatchedFile<T>>& into, const char* flag, const std::string& path, Reader read,
               Errors& problems) {
    if (path.empty()) return;
    auto file = authz::WatchedFile<T>::open(flag, path, read);
    if (file) into = std::move(*file);
    else problems.insert(problems.end(), file.error().begin(), file.error().end());
}

// Once a second: cheap (one stat) and portable.
template <class T>
asio::awaitable<void> watch(authz::WatchedFile<T>& file) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    int generation = file.generation();
    for (;;) {
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        if (auto loaded = file.load_if_changed(); !loaded) warn_kept("", loaded.error());
        else if (file.generation() != generation) spdlog::info("reloaded {}", file.path());
        generation = file.generation();
    }
}

// SIGHUP re-reads the files at once, without waiting for the once-a-second check; connections and sessions are
// untouched. The coroutine owns the signal set, so it lives as long as the loop that runs it.
asio::awaitable<void> reload_on_hangup(std::shared_ptr<asio::signal_set> hangup, const WatchedFiles& files) {
    for (;;) {
        auto [ec, signal] = co_await hangup->async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        if (!files.emails && !files.policy && !files.htpasswd) {
            spdlog::info(
                "received SIGHUP: no --authenticated-emails-file, --policy-file or --htpasswd-file to re-read");
            continue;
        }
        const auto reload = [](auto& file) {
            if (auto loaded = file.load(); !loaded) warn_kept("SIGHUP: ", loaded.error());
            else spdlog::info("SIGHUP: reloaded {}", file.path());
        };
        if (files.emails) reload(*files.emails);
        if (files.policy) reload(*files.policy);
        if (files.htpasswd) reload(*files.htpasswd);
    }
}

}  // namespace

Result<WatchedFiles, Errors> open_watched_files(const options::Options& o) {
    WatchedFiles files;
    Errors problems;
    open_into(files.emails, "--authenticated-emails-file", o.authenticated_emails_file, &authz::EmailList::parse,
              problems);
    open_into(files.htpasswd, "--htpasswd-file", o.htpasswd_file, &credentials::Htpasswd::read, problems);
    open_into(files.policy, "--policy-file", o.policy_file, &authz::Policy::read, problems);
    if (!problems.empty()) return failure(std::move(problems));
    return files;
}

void watch_files(asio::io_context& io, const WatchedFiles& files) {
    if (files.emails) asio::co_spawn(io, watch(*files.emails), asio::detached);
    if (files.policy) asio::co_spawn(io, watch(*files.policy), asio::detached);
    if (files.htpasswd) asio::co_spawn(io, watch(*files.htpasswd), asio::detached);
    asio::co_spawn(io, reload_on_hangup(std::make_shared<asio::signal_set>(io, SIGHUP), files), asio::detached);
}

}  // namespace gh::app
