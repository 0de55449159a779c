#include "observe/log_lines.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <string>

namespace gh::observe {
namespace {

// A write of at most PIPE_BUF bytes to a pipe is atomic; beyond it, another writer's bytes may land in the
// middle. Container runtimes read standard output through a pipe, so a batch goes out in pieces that end
// on a line boundary and stay within that size.
constexpr std::size_t kAtomicWrite = 4096;

void write_all(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // nowhere to report a failing log; drop the rest rather than block or throw
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void write_in_whole_lines(std::string_view data) {
    while (!data.empty()) {
        std::size_t take = data.size();
        if (take > kAtomicWrite) {
            const auto last_newline = data.rfind('\n', kAtomicWrite - 1);
            take = last_newline == std::string_view::npos ? data.find('\n') : last_newline + 1;
            if (take == std::string_view::npos) take = data.size();
        }
        write_all(data.substr(0, take));
        data.remove_prefix(take);
    }
}

struct ThreadLines {
    std::string pending;
    boost::asio::io_context* io = nullptr;
    bool flush_posted = false;
    std::size_t pending_when_posted = 0;  // how much was gathered when the flush was posted

    void flush() {
        if (pending.empty()) return;
        write_in_whole_lines(pending);
        pending.clear();
    }
    ~ThreadLines() { flush(); }
};

thread_local ThreadLines t_lines;

// The flush runs once the loop has run the handlers that were ready when it was posted. When they added lines the
// loop is busy, and the flush waits one more round (until a batch is full, above): a busy thread then pays one
// write(2) per 4 KiB of lines, not one per round of a few requests. A round that added nothing writes at once,
// so a quiet thread's lines are never held back.
void post_flush(ThreadLines& t) {
    // Posted from the loop's own thread: it joins the thread's private queue, no lock taken.
    boost::asio::post(*t.io, [] {
        ThreadLines& lines = t_lines;
        if (lines.pending.size() > lines.pending_when_posted) {
            lines.pending_when_posted = lines.pending.size();
            return post_flush(lines);
        }
        lines.flush_posted = false;
        lines.flush();
    });
}

}  // namespace

void write_log_line(std::string_view line) {
    ThreadLines& t = t_lines;
    if (!t.io) {
        write_in_whole_lines(line);
        return;
    }
    // Batches stay within one atomic pipe write, whole lines each.
    if (!t.pending.empty() && t.pending.size() + line.size() > kAtomicWrite) {
        t.flush();
        t.pending_when_posted = 0;
    }
    t.pending += line;
    if (t.flush_posted) return;
    t.flush_posted = true;
    t.pending_when_posted = t.pending.size();
    post_flush(t);
}

void flush_log_lines() { t_lines.flush(); }

GatherLogLines::GatherLogLines(boost::asio::io_context& io) {
    t_lines.io = &io;
    t_lines.pending.reserve(kAtomicWrite);
}

GatherLogLines::~GatherLogLines() {
    t_lines.flush();
    t_lines.io = nullptr;
    t_lines.flush_posted = false;
}

}  // namespace gh::observe
