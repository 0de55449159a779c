// The log writer: lines from I/O threads (gathered per event-loop turn) and from plain threads (written at once)
// all reach standard output, whole, in each thread's order, never interleaved with another thread's, even through
// a pipe as a container runtime reads them.
#include "observe/log_lines.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <mutex>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

namespace gh::observe {
namespace {

constexpr int kLines = 3000;

std::string line(int thread, int n) {
    return "T" + std::to_string(thread) + " " + std::to_string(n) + " " + std::string(40 + n % 50, 'x') + "\n";
}

TEST(LogLines, EveryLineArrivesWholeAndInItsThreadsOrder) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const int saved = dup(STDOUT_FILENO);
    ASSERT_EQ(dup2(fds[1], STDOUT_FILENO), STDOUT_FILENO);
    close(fds[1]);
    std::mutex captured_mutex;
    std::string captured;
    std::thread reader([&] {
        char buf[65536];
        for (;;) {
            const ssize_t n = read(fds[0], buf, sizeof buf);
            if (n <= 0) return;
            std::lock_guard lock(captured_mutex);
            captured.append(buf, static_cast<std::size_t>(n));
        }
    });
    std::vector<std::thread> writers;
    for (int t = 3; t < 5; ++t)  // I/O threads: lines written from handlers, flushed per loop turn
        writers.emplace_back([t] {
            boost::asio::io_context io;
            const GatherLogLines gather(io);
            for (int n = 0; n < kLines; ++n) boost::asio::post(io, [t, n] { write_log_line(line(t, n)); });
            io.run();
        });
    writers.emplace_back([] {  // a plain thread writes at once
        for (int n = 0; n < kLines; ++n) write_log_line(line(5, n));
    });
    for (auto& w : writers) w.join();

    ASSERT_EQ(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);  // closes the pipe's last write end: the reader ends
    close(saved);
    reader.join();
    close(fds[0]);

    std::map<int, int> next;  // thread → the line number expected next
    std::istringstream in(captured);
    const std::regex shape(R"(T(\d) (\d+) x+)");
    std::string text;
    std::size_t count = 0;
    while (std::getline(in, text)) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(text, m, shape)) << "a broken or mixed line: " << text.substr(0, 80);
        const int t = std::stoi(m[1]), n = std::stoi(m[2]);
        ASSERT_EQ(text, line(t, n).substr(0, text.size()));
        ASSERT_EQ(n, next[t]) << "thread " << t;
        ++next[t];
        ++count;
    }
    EXPECT_EQ(count, 3u * kLines);
}

}  // namespace
}  // namespace gh::observe
