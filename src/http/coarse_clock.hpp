#pragma once
// Connection deadlines are checked by the sweeper a few times a second, so they need no finer clock than the
// kernel's tick-granular monotonic one (CLOCK_MONOTONIC_COARSE, a few ms), which costs a memory read where
// steady_clock reads the timestamp counter: every request arms a deadline two or three times. Internal to http/.
#include <chrono>
#include <ctime>

namespace gh::http {

struct CoarseClock {
    using duration = std::chrono::nanoseconds;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<CoarseClock>;
    static constexpr bool is_steady = true;
    static time_point now() noexcept {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
    }
};

}  // namespace gh::http
