#include "app/cgroup_cpu_quota.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

namespace gh::app {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto start = text.find_first_not_of(kSpace);
        if (start == std::string_view::npos) return out;
        text.remove_prefix(start);
        const auto end = std::min(text.find_first_of(kSpace), text.size());
        out.push_back(text.substr(0, end));
        text.remove_prefix(end);
    }
}

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto end = std::min(text.find('\n'), text.size());
        out.push_back(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return out;
}

// A value quoted in a log line: a file of the wrong kind may hold anything, so it is cut short and kept printable.
std::string printable(std::string_view value) {
    std::string out = "\"";
    for (const char c : value.substr(0, 32)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out + (value.size() > 32 ? "…\"" : "\"");
}

std::optional<std::int64_t> positive(std::string_view word) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (ec != std::errc{} || end != word.data() + word.size() || value <= 0) return std::nullopt;
    return value;
}

// mountinfo writes a space, tab, newline or backslash in a path as an octal escape (\040).
std::string unescape_octal(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        const auto octal = [&](std::size_t k) { return field[k] >= '0' && field[k] <= '7'; };
        if (field[i] == '\\' && i + 3 < field.size() && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
            out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

std::string without_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

std::optional<std::string> read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

// Where `cgroup` lies below the root of the mount that shows it: "" for the root itself, else "/a/b". The mount
// with the deepest root that holds it wins (a bind mount of the process's own sub-tree beats the whole tree).
struct Located {
    const Cgroup2Mount* mount = nullptr;
    std::string below_root;
};
std::optional<Located> locate(const std::vector<Cgroup2Mount>& mounts, const std::string& cgroup) {
    std::optional<Located> best;
    for (const auto& m : mounts) {
        const std::string root = without_trailing_slashes(m.root);
        std::string below;
        if (root == "/")
            below = cgroup == "/" ? "" : cgroup;
        else if (cgroup == root)
            below = "";
        else if (cgroup.starts_with(root + "/"))
            below = cgroup.substr(root.size());
        else
            continue;
        if (!best || root.size() > without_trailing_slashes(best->mount->root).size()) best = Located{&m, below};
    }
    return best;
}

}  // namespace

Result<std::optional<CpuMax>> parse_cpu_max(std::string_view text) {
    const auto fields = words(text);
    if (fields.size() != 2) {
        const auto start = std::min(text.find_first_not_of(kSpace), text.size());
        const auto trimmed = text.substr(start, text.find_last_not_of(kSpace) + 1 - start);
        return failure(ErrorCode::malformed, "not \"QUOTA PERIOD\": " + printable(trimmed));
    }
    const auto period = positive(fields[1]);
    if (!period) return failure(ErrorCode::malformed, "period " + printable(fields[1]) + " is not a positive number");
    if (fields[0] == "max") return std::optional<CpuMax>{};
    const auto quota = positive(fields[0]);
    if (!quota)
        return failure(ErrorCode::malformed, "quota " + printable(fields[0]) + " is neither max nor a positive number");
    return std::optional<CpuMax>{CpuMax{.quota = *quota, .period = *period}};
}

std::optional<std::string> cgroup_v2_path(std::string_view proc_self_cgroup) {
    for (const auto line : lines(proc_self_cgroup)) {
        // "hierarchy-ID:controllers:path"; the v2 hierarchy has ID 0 and no controllers. The path may hold ':'.
        if (!line.starts_with("0::")) continue;
        auto path = line.substr(3);
        if (path.ends_with(" (deleted)")) path.remove_suffix(10);
        if (!path.starts_with('/')) return std::nullopt;
        return without_trailing_slashes(std::string(path));
    }
    return std::nullopt;
}

std::vector<Cgroup2Mount> cgroup2_mounts(std::string_view mountinfo) {
    std::vector<Cgroup2Mount> out;
    for (const auto line : lines(mountinfo)) {
        // "36 35 98:0 ROOT MOUNT_POINT OPTIONS [OPTIONAL FIELDS…] - FSTYPE SOURCE SUPER_OPTIONS": the optional
        // fields vary in number, so the file system type is the word after the lone "-".
        const auto fields = words(line);
        if (fields.size() < 7) continue;
        std::size_t dash = 6;
        while (dash < fields.size() && fields[dash] != "-") ++dash;
        if (dash + 1 >= fields.size() || fields[dash + 1] != "cgroup2") continue;
        out.push_back({.root = unescape_octal(fields[3]), .mount_point = unescape_octal(fields[4])});
    }
    return out;
}

CgroupCpuQuota cgroup_cpu_quota(const std::filesystem::path& fs_root) {
    CgroupCpuQuota out;
    const auto own = read_file(fs_root / "proc/self/cgroup");
    if (!own) {
        out.notes.push_back("/proc/self/cgroup unreadable");
        return out;
    }
    const auto cgroup = cgroup_v2_path(*own);
    if (!cgroup) {
        out.notes.push_back("no cgroup v2 line in /proc/self/cgroup (cgroup v1 is not read)");
        return out;
    }
    // Outside the process's cgroup namespace ("/../sibling"): no mount it sees is known to show that cgroup.
    if ((*cgroup + "/").find("/../") != std::string::npos) {
        out.notes.push_back("cgroup " + printable(*cgroup) + " lies outside this cgroup namespace");
        return out;
    }
    const auto mountinfo = read_file(fs_root / "proc/self/mountinfo");
    if (!mountinfo) {
        out.notes.push_back("/proc/self/mountinfo unreadable");
        return out;
    }
    const auto mounts = cgroup2_mounts(*mountinfo);
    const auto located = locate(mounts, *cgroup);
    if (!located) {
        out.notes.push_back(mounts.empty() ? "no cgroup2 mount" : "no cgroup2 mount shows cgroup " + printable(*cgroup));
        return out;
    }
    // The process's own cgroup, then each ancestor up to the mount's root: a parent's quota caps its children.
    std::string mount_point = without_trailing_slashes(located->mount->mount_point);
    if (mount_point == "/") mount_point.clear();
    std::string below = located->below_root;
    for (;;) {
        const std::string shown = mount_point + below + "/cpu.max";
        const auto file = fs_root / std::filesystem::path(shown).relative_path();
        if (const auto text = read_file(file)) {
            const auto limit = parse_cpu_max(*text);
            if (!limit)
                out.notes.push_back(shown + " ignored: " + limit.error().message);
            else if (*limit && (!out.limit || (*limit)->cpus() < out.limit->cpus())) {
                out.limit = **limit;
                out.file = shown;
            }
        } else if (std::error_code ec; std::filesystem::exists(file, ec)) {
            out.notes.push_back(shown + " unreadable");
        }
        if (below.empty()) break;
        below.resize(below.rfind('/'));
    }
    return out;
}

}  // namespace gh::app
