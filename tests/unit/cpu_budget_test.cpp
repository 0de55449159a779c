// --workers=0 starts one I/O thread per CPU the process may use: its affinity, capped by its cgroup v2 quota
// rounded up. The cgroup side is read from fake /proc files and cgroup trees in a temporary directory.
#include "app/cpu_budget.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <stdlib.h>

#include <fstream>
#include <thread>

#include "app/cgroup_cpu_quota.hpp"

using namespace gh;
using namespace gh::app;

namespace {

// A fake root: /proc/self/cgroup, /proc/self/mountinfo and cpu.max files, written below a temporary directory.
class FakeRoot {
public:
    FakeRoot() {
        std::string pattern = (std::filesystem::temp_directory_path() / "gatehouse-cpu-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
    }
    ~FakeRoot() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    FakeRoot(const FakeRoot&) = delete;
    FakeRoot& operator=(const FakeRoot&) = delete;

    // `path` as the process would name it ("/sys/fs/cgroup/a/cpu.max").
    FakeRoot& file(const std::string& path, const std::string& text) {
        const auto full = dir_ / std::filesystem::path(path).relative_path();
        std::filesystem::create_directories(full.parent_path());
        std::ofstream(full) << text;
        return *this;
    }
    FakeRoot& cgroup(const std::string& text) { return file("/proc/self/cgroup", text); }
    FakeRoot& mountinfo(const std::string& text) { return file("/proc/self/mountinfo", text); }
    const std::filesystem::path& path() const { return dir_; }

private:
    std::filesystem::path dir_;
};

// mountinfo as systemd's unified hierarchy shows it, with another file system before it.
const std::string kUnifiedMountinfo =
    "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n"
    "30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";

CgroupCpuQuota quota_of(const FakeRoot& root) {
    return cgroup_cpu_quota(root.path());
}

}  // namespace

TEST(CpuMax, MaxIsNoLimitAndTwoNumbersAreOne) {
    const auto none = parse_cpu_max("max 100000\n");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());

    const auto half = parse_cpu_max("50000 100000\n");
    ASSERT_TRUE(half);
    ASSERT_TRUE(half->has_value());
    EXPECT_EQ((*half)->quota, 50000);
    EXPECT_EQ((*half)->period, 100000);
    EXPECT_DOUBLE_EQ((*half)->cpus(), 0.5);
    EXPECT_EQ((*half)->whole_cpus(), 1);

    EXPECT_EQ((*parse_cpu_max("150000 100000"))->whole_cpus(), 2);
    EXPECT_EQ((*parse_cpu_max("200000 100000"))->whole_cpus(), 2);
    EXPECT_EQ((*parse_cpu_max("200001 100000"))->whole_cpus(), 3);
    EXPECT_EQ((*parse_cpu_max("1000 100000"))->whole_cpus(), 1);
}

TEST(CpuMax, AnythingElseFailsSayingWhy) {
    const auto why = [](std::string_view text) {
        const auto parsed = parse_cpu_max(text);
        return parsed ? std::string("parsed") : parsed.error().message;
    };
    EXPECT_EQ(why(""), "not \"QUOTA PERIOD\": \"\"");
    EXPECT_EQ(why("banana\n"), "not \"QUOTA PERIOD\": \"banana\"");
    EXPECT_EQ(why("50000 100000 1"), "not \"QUOTA PERIOD\": \"50000 100000 1\"");
    EXPECT_EQ(why("50000 0"), "period \"0\" is not a positive number");
    EXPECT_EQ(why("max max"), "period \"max\" is not a positive number");
    EXPECT_EQ(why("-1 100000"), "quota \"-1\" is neither max nor a positive number");
    EXPECT_EQ(why("0 100000"), "quota \"0\" is neither max nor a positive number");
    EXPECT_EQ(why("5e4 100000"), "quota \"5e4\" is neither max nor a positive number");
    EXPECT_EQ(why("99999999999999999999 100000"),
              "quota \"99999999999999999999\" is neither max nor a positive number");
}

TEST(CgroupV2Path, TheZeroLineNamesTheCgroupAndCgroupV1HasNone) {
    EXPECT_EQ(cgroup_v2_path("0::/kubepods.slice/pod1/ctr\n"), "/kubepods.slice/pod1/ctr");
    EXPECT_EQ(cgroup_v2_path("1:cpu:/\n0::/\n"), "/");  // a hybrid system: v1 controllers and the v2 tree
    EXPECT_EQ(cgroup_v2_path("0::/a:b/c/\n"), "/a:b/c");
    EXPECT_EQ(cgroup_v2_path("0::/gone (deleted)\n"), "/gone");
    EXPECT_EQ(cgroup_v2_path("4:memory:/user\n2:cpu,cpuacct:/user\n1:name=systemd:/user\n"), std::nullopt);
    EXPECT_EQ(cgroup_v2_path("10::/not-hierarchy-0\n"), std::nullopt);
    EXPECT_EQ(cgroup_v2_path(""), std::nullopt);
}

TEST(Cgroup2Mounts, TheTypeFollowsTheDashWhateverTheOptionalFields) {
    const auto mounts = cgroup2_mounts(
        "22 1 259:1 / / rw shared:1 - ext4 /dev/root rw\n"
        "31 23 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
        "41 31 0:38 /docker/abc /sys/fs/cgroup rw,relatime shared:4 master:2 - cgroup2 cgroup2 rw\n"
        "42 31 0:38 / /mnt/cgroup\\040tree rw - cgroup2 none rw\n"
        "43 31 0:39 / /mnt/odd rw - tmpfs cgroup2 rw\n"  // a source named cgroup2 is not the type
        "truncated line\n");
    ASSERT_EQ(mounts.size(), 2u);
    EXPECT_EQ(mounts[0].root, "/docker/abc");
    EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup");
    EXPECT_EQ(mounts[1].root, "/");
    EXPECT_EQ(mounts[1].mount_point, "/mnt/cgroup tree");
}

TEST(CgroupCpuQuota, MaxEverywhereIsNoLimit) {
    FakeRoot root;
    root.cgroup("0::/app\n").mountinfo(kUnifiedMountinfo).file("/sys/fs/cgroup/app/cpu.max", "max 100000\n");
    const auto quota = quota_of(root);
    EXPECT_FALSE(quota.limit);
    EXPECT_TRUE(quota.notes.empty());
    EXPECT_EQ(cpu_budget(2, 2, quota).cpus, 2);
    EXPECT_EQ(cpu_budget(2, 2, quota).why, "affinity allows 2 CPUs; no cgroup CPU limit");
}

TEST(CgroupCpuQuota, HalfACpuIsOneThread) {
    FakeRoot root;
    root.cgroup("0::/app\n").mountinfo(kUnifiedMountinfo).file("/sys/fs/cgroup/app/cpu.max", "50000 100000\n");
    const auto quota = quota_of(root);
    ASSERT_TRUE(quota.limit);
    EXPECT_EQ(quota.file, "/sys/fs/cgroup/app/cpu.max");
    const auto budget = cpu_budget(32, 32, quota);
    EXPECT_EQ(budget.cpus, 1);
    EXPECT_EQ(
        budget.why,
        "affinity allows 32 CPUs; cgroup cpu.max 50000/100000 = 0.5 CPU, rounded up (/sys/fs/cgroup/app/cpu.max)");
}

TEST(CgroupCpuQuota, OneAndAHalfCpusAreTwoThreads) {
    FakeRoot root;
    root.cgroup("0::/app\n").mountinfo(kUnifiedMountinfo).file("/sys/fs/cgroup/app/cpu.max", "150000 100000\n");
    const auto budget = cpu_budget(8, 8, quota_of(root));
    EXPECT_EQ(budget.cpus, 2);
    EXPECT_EQ(
        budget.why,
        "affinity allows 8 CPUs; cgroup cpu.max 150000/100000 = 1.5 CPUs, rounded up (/sys/fs/cgroup/app/cpu.max)");
}

TEST(CgroupCpuQuota, AnAncestorWithASmallerQuotaWins) {
    FakeRoot root;
    root.cgroup("0::/kubepods/pod1/ctr\n")
        .mountinfo(kUnifiedMountinfo)
        .file("/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "300000 100000\n")
        .file("/sys/fs/cgroup/kubepods/pod1/cpu.max", "100000 50000\n")  // 2 CPUs, in another period
        .file("/sys/fs/cgroup/kubepods/cpu.max", "max 100000\n");
    const auto quota = quota_of(root);
    ASSERT_TRUE(quota.limit);
    EXPECT_EQ(quota.limit->quota, 100000);
    EXPECT_EQ(quota.limit->period, 50000);
    EXPECT_EQ(quota.file, "/sys/fs/cgroup/kubepods/pod1/cpu.max");
    const auto budget = cpu_budget(16, 16, quota);
    EXPECT_EQ(budget.cpus, 2);
    EXPECT_EQ(budget.why,
              "affinity allows 16 CPUs; cgroup cpu.max 100000/50000 = 2 CPUs (/sys/fs/cgroup/kubepods/pod1/cpu.max)");
}

TEST(CgroupCpuQuota, AMalformedCpuMaxIsIgnoredWithItsReason) {
    FakeRoot root;
    root.cgroup("0::/a/b\n")
        .mountinfo(kUnifiedMountinfo)
        .file("/sys/fs/cgroup/a/b/cpu.max", "banana\n")
        .file("/sys/fs/cgroup/a/cpu.max", "250000 100000\n");
    const auto quota = quota_of(root);
    ASSERT_TRUE(quota.limit);
    EXPECT_EQ(quota.limit->quota, 250000);
    EXPECT_EQ(quota.notes,
              std::vector<std::string>{"/sys/fs/cgroup/a/b/cpu.max ignored: not \"QUOTA PERIOD\": \"banana\""});
    const auto budget = cpu_budget(4, 4, quota);
    EXPECT_EQ(budget.cpus, 3);
    EXPECT_EQ(budget.why,
              "affinity allows 4 CPUs; cgroup cpu.max 250000/100000 = 2.5 CPUs, rounded up "
              "(/sys/fs/cgroup/a/cpu.max); /sys/fs/cgroup/a/b/cpu.max ignored: not \"QUOTA PERIOD\": "
              "\"banana\"");

    FakeRoot only_bad;
    only_bad.cgroup("0::/a\n").mountinfo(kUnifiedMountinfo).file("/sys/fs/cgroup/a/cpu.max", "0 100000\n");
    const auto none = cpu_budget(2, 2, quota_of(only_bad));
    EXPECT_EQ(none.cpus, 2);
    EXPECT_EQ(none.why,
              "affinity allows 2 CPUs; no cgroup CPU limit; /sys/fs/cgroup/a/cpu.max ignored: quota \"0\" "
              "is neither max nor a positive number");
}

TEST(CgroupCpuQuota, CgroupV1OnlyHasNoQuota) {
    FakeRoot root;
    root.cgroup("3:cpuset:/\n2:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n")
        .mountinfo("31 23 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n")
        .file("/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "50000\n");
    const auto quota = quota_of(root);
    EXPECT_FALSE(quota.limit);
    EXPECT_EQ(cpu_budget(2, 2, quota).why,
              "affinity allows 2 CPUs; no cgroup CPU limit; no cgroup v2 line in /proc/self/cgroup (cgroup v1 is not "
              "read)");
}

TEST(CgroupCpuQuota, AMountOfASubTreeIsReadFromItsRootAndNotAbove) {
    // Docker without a cgroup namespace: the process is in /docker/abc/sub, and only /docker/abc is mounted, at
    // /sys/fs/cgroup. Its quota is in the mount's root; a cpu.max outside the mount is not the hierarchy's.
    FakeRoot root;
    root.cgroup("0::/docker/abc/sub\n")
        .mountinfo(
            "22 1 259:1 / / rw - ext4 /dev/root rw\n"
            "30 22 0:26 /docker/abc /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw\n")
        .file("/sys/fs/cgroup/sub/cpu.max", "max 100000\n")
        .file("/sys/fs/cgroup/cpu.max", "50000 100000\n")
        .file("/sys/fs/cpu.max", "10000 100000\n");
    const auto quota = quota_of(root);
    ASSERT_TRUE(quota.limit);
    EXPECT_EQ(quota.limit->quota, 50000);
    EXPECT_EQ(quota.file, "/sys/fs/cgroup/cpu.max");
    EXPECT_TRUE(quota.notes.empty());
}

TEST(CgroupCpuQuota, TheDeepestMountThatHoldsTheCgroupIsRead) {
    FakeRoot root;
    root.cgroup("0::/docker/abc\n")
        .mountinfo(
            "30 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
            "31 22 0:26 /docker/abc /mnt/own\\040cgroup rw - cgroup2 cgroup2 rw\n"
            "32 22 0:26 /elsewhere /mnt/other rw - cgroup2 cgroup2 rw\n")
        .file("/mnt/own cgroup/cpu.max", "150000 100000\n");
    const auto quota = quota_of(root);
    ASSERT_TRUE(quota.limit);
    EXPECT_EQ(quota.file, "/mnt/own cgroup/cpu.max");
}

TEST(CgroupCpuQuota, ACgroupNoMountShowsIsNoted) {
    FakeRoot root;
    root.cgroup("0::/user.slice/session-1.scope\n")
        .mountinfo("30 22 0:26 /system.slice /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    EXPECT_EQ(quota_of(root).notes,
              std::vector<std::string>{"no cgroup2 mount shows cgroup \"/user.slice/session-1.scope\""});

    FakeRoot outside;
    outside.cgroup("0::/../sibling\n").mountinfo(kUnifiedMountinfo).file("/sys/fs/sibling/cpu.max", "1000 100000\n");
    const auto quota = quota_of(outside);
    EXPECT_FALSE(quota.limit);
    EXPECT_EQ(quota.notes, std::vector<std::string>{"cgroup \"/../sibling\" lies outside this cgroup namespace"});

    FakeRoot unmounted;
    unmounted.cgroup("0::/\n").mountinfo("22 1 259:1 / / rw - ext4 /dev/root rw\n");
    EXPECT_EQ(quota_of(unmounted).notes, std::vector<std::string>{"no cgroup2 mount"});

    FakeRoot empty;
    EXPECT_EQ(quota_of(empty).notes, std::vector<std::string>{"/proc/self/cgroup unreadable"});
}

TEST(CpuBudget, TheAffinityCountsAndTheQuotaCapsIt) {
    const CgroupCpuQuota none;
    EXPECT_EQ(cpu_budget(1, 2, none).cpus, 1);
    EXPECT_EQ(cpu_budget(1, 2, none).why, "affinity allows 1 of 2 CPUs; no cgroup CPU limit");

    // A quota above the affinity leaves the affinity's count.
    const CgroupCpuQuota roomy{.limit = CpuMax{.quota = 350000, .period = 100000}, .file = "/sys/fs/cgroup/cpu.max"};
    EXPECT_EQ(cpu_budget(2, 4, roomy).cpus, 2);
    EXPECT_EQ(
        cpu_budget(2, 4, roomy).why,
        "affinity allows 2 of 4 CPUs; cgroup cpu.max 350000/100000 = 3.5 CPUs, rounded up (/sys/fs/cgroup/cpu.max)");
}

TEST(CpuBudget, WithoutTheAffinityTheMachinesCpusCount) {
    const Result<int> unknown = failure(ErrorCode::unreadable_file, "sched_getaffinity: Operation not permitted");
    const CgroupCpuQuota half{.limit = CpuMax{.quota = 50000, .period = 100000}, .file = "/sys/fs/cgroup/cpu.max"};
    EXPECT_EQ(cpu_budget(unknown, 4, {}).cpus, 4);
    EXPECT_EQ(cpu_budget(unknown, 4, {}).why,
              "affinity unknown (sched_getaffinity: Operation not permitted), 4 CPUs online; no cgroup CPU limit");
    EXPECT_EQ(cpu_budget(unknown, 4, half).cpus, 1);
    EXPECT_EQ(cpu_budget(unknown, 0, {}).cpus, 1);
    EXPECT_EQ(cpu_budget(unknown, 0, {}).why,
              "affinity unknown (sched_getaffinity: Operation not permitted), number of CPUs unknown; no cgroup CPU "
              "limit");
}

// The real mask: pinning this thread to one CPU makes the count 1, whatever the machine has.
TEST(CpuBudget, TheAffinityOfThisThreadIsCounted) {
    cpu_set_t saved;
    ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
    const auto before = affinity_cpus();
    ASSERT_TRUE(before);
    EXPECT_EQ(*before, CPU_COUNT(&saved));

    int first = 0;
    while (!CPU_ISSET(first, &saved)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
    const auto pinned = affinity_cpus();
    const auto budget = cpu_budget();
    ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);

    ASSERT_TRUE(pinned);
    EXPECT_EQ(*pinned, 1);
    EXPECT_EQ(budget.cpus, 1);
    const auto online = std::thread::hardware_concurrency();
    EXPECT_TRUE(budget.why.starts_with(online > 1 ? "affinity allows 1 of " + std::to_string(online) + " CPUs;"
                                                  : std::string("affinity allows 1 CPU;")))
        << budget.why;
}
