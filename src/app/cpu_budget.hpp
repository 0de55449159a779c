#pragma once
// How many CPUs this process may use, found as Go 1.25 finds GOMAXPROCS: the CPUs its affinity mask allows
// (taskset, a cpuset, Kubernetes' static CPU manager), capped by its cgroup v2 CPU quota rounded up
// (cgroup_cpu_quota.hpp). std::thread::hardware_concurrency() counts the machine's CPUs instead: 32 I/O threads in
// a pod limited to half a CPU of a 32-CPU node take turns in the quota's periods, and each wait is a request's
// latency (p99 of /oauth2/auth from ~0.35 ms to 4-7 ms).
#include <string>

#include "app/cgroup_cpu_quota.hpp"
#include "result/result.hpp"

namespace gh::app {

// The count, at least 1, and how it was found, for the start log:
// "affinity allows 1 of 2 CPUs; cgroup cpu.max 50000/100000 = 0.5 CPU, rounded up (/sys/fs/cgroup/cpu.max)".
struct CpuBudget {
    int cpus = 1;
    std::string why;
};

// The CPUs in this process's affinity mask (sched_getaffinity), or why they could not be counted.
Result<int> affinity_cpus();

// Combines what was found: `affinity` (or its failure), the machine's CPUs (`online`, hardware_concurrency; the
// fallback when the affinity is unknown, 0 when that is unknown too) and the cgroup quota.
CpuBudget cpu_budget(const Result<int>& affinity, unsigned online, const CgroupCpuQuota& quota);

// This process's budget, read now.
CpuBudget cpu_budget();

}  // namespace gh::app
