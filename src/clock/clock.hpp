#pragma once
// Time is injected so that expiry and refresh logic is tested without sleeping.
#include <chrono>
#include <cstdint>

namespace gh {

class Clock {
public:
    virtual ~Clock() = default;
    // Seconds since the Unix epoch.
    virtual std::int64_t now() const = 0;
};

class SystemClock final : public Clock {
public:
    std::int64_t now() const override {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t t) : t_(t) {}
    std::int64_t now() const override { return t_; }
    void set(std::int64_t t) { t_ = t; }
    void advance(std::int64_t seconds) { t_ += seconds; }

private:
    std::int64_t t_;
};

}  // namespace gh
