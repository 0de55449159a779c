#include "app/memory_return.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

namespace gh::app {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Resident memory that the allocator does not account as in use, below which nothing is done: the code, the stacks
// and what a steady load keeps free for its reuse are well under it.
constexpr std::size_t kWorthReturning = 32 * 1024 * 1024;

// The process's resident bytes (/proc/self/statm: one read, no walk of the memory map, no allocation: the
// benchmark counts heap allocations per request); 0 when unknown.
std::size_t resident_bytes() {
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    std::array<char, 128> text{};
    const ssize_t n = ::read(fd, text.data(), text.size() - 1);
    ::close(fd);
    if (n <= 0) return 0;
    unsigned long size = 0, resident = 0;
    if (std::sscanf(text.data(), "%lu %lu", &size, &resident) != 2) return 0;
    return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

asio::awaitable<void> return_free_memory() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto wait = 1s;
    for (;;) {
        timer.expires_after(wait);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
#ifdef __GLIBC__
        // In use: what malloc handed out, from its arenas and mapped on its own. The rest of what is resident
        // beyond the code and stacks is free memory glibc keeps.
        const struct mallinfo2 info = mallinfo2();
        const std::size_t before = resident_bytes();
        const std::size_t in_use = info.uordblks + info.hblkhd;
        if (before <= in_use + kWorthReturning) {
            wait = 1s;
            continue;
        }
        // Every wholly free page of every arena (madvise), not only the top of each heap as free() does.
        malloc_trim(0);
        const std::size_t after = resident_bytes();
        const std::size_t surplus = before - in_use;
        // Free memory in pieces smaller than a page cannot be given back: when a trim achieves little, the next
        // one waits longer (up to a minute) rather than walking the arenas every second for nothing.
        wait = before - std::min(before, after) < surplus / 4 ? std::min<std::chrono::seconds>(wait * 2, 64s) : 1s;
        spdlog::debug("gave {} MiB of free memory back to the system ({} MiB resident, {} MiB in use)",
                      (before - std::min(before, after)) >> 20, after >> 20, in_use >> 20);
#endif
    }
}

}  // namespace

void return_free_memory_periodically(asio::io_context& io) { asio::co_spawn(io, return_free_memory(), asio::detached); }

}  // namespace gh::app
