#pragma once
// The CPU quota cgroup v2 puts on this process: the smallest cpu.max of its cgroup and of every ancestor up to the
// root of the cgroup2 mount it can see (Kubernetes writes a container's `limits.cpu` there, systemd its CPUQuota=).
// A process that starts one thread per CPU of the node under a quota of half a CPU is throttled in every period
// (cpu_budget.hpp says what is done with the figure). cgroup v1 is not read: without a "0::" line there is no quota.
// Each step takes the text or the directory it reads, so that tests feed fake /proc files and cgroup trees.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result/result.hpp"

namespace gh::app {

// One cpu.max limit: `quota` microseconds of CPU time in every `period` microseconds, so quota/period CPUs.
struct CpuMax {
    std::int64_t quota = 0;
    std::int64_t period = 0;

    double cpus() const { return static_cast<double>(quota) / static_cast<double>(period); }
    // Whole CPUs, rounded up: half a CPU still needs one thread.
    std::int64_t whole_cpus() const { return quota / period + (quota % period != 0 ? 1 : 0); }
};

// "max 100000" is no limit (nullopt), "50000 100000" a limit; anything else fails saying why.
Result<std::optional<CpuMax>> parse_cpu_max(std::string_view text);

// The process's cgroup in the v2 hierarchy, from /proc/self/cgroup's "0::/path" line; nullopt when the line is
// missing (cgroup v1 only).
std::optional<std::string> cgroup_v2_path(std::string_view proc_self_cgroup);

// A cgroup2 mount in /proc/self/mountinfo: the cgroup `root` of the hierarchy appears at `mount_point`. The root is
// not "/" when a sub-tree is bind-mounted, or the mount was made in another cgroup namespace.
struct Cgroup2Mount {
    std::string root;
    std::string mount_point;
};
std::vector<Cgroup2Mount> cgroup2_mounts(std::string_view mountinfo);

// What was found: the binding limit, the cpu.max it was read from (as the process names it), and what was
// skipped, each with its reason ("/sys/fs/cgroup/a/cpu.max ignored: …", "cgroup v1 only").
struct CgroupCpuQuota {
    std::optional<CpuMax> limit;
    std::string file;
    std::vector<std::string> notes;
};

// Reads <fs_root>/proc/self/cgroup, <fs_root>/proc/self/mountinfo and the cpu.max files under the mount point,
// also below fs_root: "/" in production, a temporary directory in tests. A missing cpu.max (the root cgroup has
// none, nor has a cgroup without the cpu controller) limits nothing and is not noted.
CgroupCpuQuota cgroup_cpu_quota(const std::filesystem::path& fs_root);

}  // namespace gh::app
