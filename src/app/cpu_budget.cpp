#include "app/cpu_budget.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <memory>
#include <system_error>
#include <thread>

namespace gh::app {
namespace {

std::string cpus_text(double n) {
    char digits[32];
    // Three significant digits: "0.5", "1.5", "0.333"; a quota of whole CPUs prints as "2".
    const auto end = std::to_chars(digits, digits + sizeof digits, n, std::chars_format::general, 3).ptr;
    return std::string(digits, end) + (n > 1 ? " CPUs" : " CPU");
}

std::string affinity_text(int allowed, unsigned online) {
    if (online > 0 && static_cast<unsigned>(allowed) < online)
        return "affinity allows " + std::to_string(allowed) + " of " + std::to_string(online) + " CPUs";
    return "affinity allows " + cpus_text(allowed);
}

std::string quota_text(const CpuMax& limit, const std::string& file) {
    std::string out = "cgroup cpu.max " + std::to_string(limit.quota) + "/" + std::to_string(limit.period) + " = " +
                      cpus_text(limit.cpus());
    if (limit.quota % limit.period != 0) out += ", rounded up";
    return out + " (" + file + ")";
}

struct FreeCpuSet {
    void operator()(cpu_set_t* set) const { CPU_FREE(set); }
};

}  // namespace

Result<int> affinity_cpus() {
    // A mask of 1024 CPUs (cpu_set_t's size) fits most machines; the kernel answers EINVAL when its own mask is
    // wider than the one given, so the mask doubles until it fits.
    for (int width = 1024; width <= (1 << 20); width *= 2) {
        const std::unique_ptr<cpu_set_t, FreeCpuSet> set(CPU_ALLOC(width));
        if (!set) return failure(ErrorCode::unreadable_file, "no memory for a CPU mask");
        const std::size_t size = CPU_ALLOC_SIZE(width);
        CPU_ZERO_S(size, set.get());
        if (sched_getaffinity(0, size, set.get()) == 0) {
            const int count = CPU_COUNT_S(size, set.get());
            if (count > 0) return count;
            return failure(ErrorCode::unreadable_file, "sched_getaffinity gave an empty mask");
        }
        if (errno != EINVAL)
            return failure(ErrorCode::unreadable_file, "sched_getaffinity: " + std::system_category().message(errno));
    }
    return failure(ErrorCode::unreadable_file, "sched_getaffinity: the mask is wider than 1048576 CPUs");
}

CpuBudget cpu_budget(const Result<int>& affinity, unsigned online, const CgroupCpuQuota& quota) {
    CpuBudget out;
    std::int64_t cpus = 1;
    if (affinity) {
        cpus = *affinity;
        out.why = affinity_text(*affinity, online);
    } else if (online > 0) {
        cpus = online;
        out.why = "affinity unknown (" + describe(affinity.error()) + "), " + std::to_string(online) + " CPUs online";
    } else {
        out.why = "affinity unknown (" + describe(affinity.error()) + "), number of CPUs unknown";
    }
    if (quota.limit) {
        cpus = std::min(cpus, quota.limit->whole_cpus());
        out.why += "; " + quota_text(*quota.limit, quota.file);
    } else {
        out.why += "; no cgroup CPU limit";
    }
    for (const auto& note : quota.notes) out.why += "; " + note;
    out.cpus = static_cast<int>(std::clamp<std::int64_t>(cpus, 1, INT_MAX));
    return out;
}

CpuBudget cpu_budget() {
    return cpu_budget(affinity_cpus(), std::thread::hardware_concurrency(), cgroup_cpu_quota("/"));
}

}  // namespace gh::app
