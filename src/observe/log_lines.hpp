#pragma once
// Where every log line goes: standard output, written without a lock shared between threads. A thread that
// runs an event loop gathers its lines and writes them with one write(2) once a round of the loop adds no more,
// or once they fill a pipe's atomic write (4 KiB), so a busy I/O thread pays one system call for dozens of
// requests and never waits for another thread's log line. Other threads (start-up, background) write each line
// at once.
#include <boost/asio/io_context.hpp>
#include <string_view>

namespace gh::observe {

// Appends one whole line (ending in '\n').
void write_log_line(std::string_view line);

// Writes out what this thread gathered.
void flush_log_lines();

// While alive, lines written on this thread are gathered and flushed from `io`, which this thread runs.
// Flushes when it ends.
class GatherLogLines {
public:
    explicit GatherLogLines(boost::asio::io_context& io);
    ~GatherLogLines();
    GatherLogLines(const GatherLogLines&) = delete;
    GatherLogLines& operator=(const GatherLogLines&) = delete;
};

}  // namespace gh::observe
