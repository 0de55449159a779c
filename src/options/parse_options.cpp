#include "options/parse_options.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "options/checks.hpp"

namespace gh::options {
namespace {

// Each row fills its field from its raw values (the default when unset); a bad value is one line naming the
// flag as it was given.
void fill_from_table(const RawConfig& raw, Options& o, std::vector<FlagProblem>& errors) {
    std::vector<std::string> problems;
    for (const auto& flag : flag_table()) {
        const auto& value = raw.of(flag);
        problems.clear();
        flag.bind.assign(o, value.values, problems);
        for (const auto& p : problems) errors.push_back({row_index(flag), value.origin + ": " + p});
    }
}

}  // namespace

const Options& probe_options() {
    static const Options probe{};
    return probe;
}

std::size_t Checks::row_of(const void* field) const {
    const auto offset = static_cast<std::size_t>(static_cast<const char*>(field) - reinterpret_cast<const char*>(&o));
    for (const auto& flag : flag_table())
        if (flag.bind.field_offset() == offset) return row_index(flag);
    throw std::logic_error("no flag fills the field at offset " + std::to_string(offset));
}

ParseOutcome parse_options(const std::vector<std::string>& args, const Environment& env, const FileReader& read_file) {
    ParseOutcome out;
    const RawConfig raw = collect_raw_config(args, env, read_file);
    out.help = raw.help;
    out.version = raw.version;
    out.errors = raw.errors;
    if (out.help || out.version) return out;

    Options o;
    std::vector<FlagProblem> problems;
    fill_from_table(raw, o, problems);
    o.inject_request_headers = raw.inject_request_headers;
    o.inject_response_headers = raw.inject_response_headers;
    Checks checks(o, raw, read_file, problems);
    check_provider(checks);
    check_cookies(checks);
    check_access(checks);
    check_trust(checks);
    check_server(checks);
    std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) { return a.row < b.row; });
    for (auto& p : problems) out.errors.push_back(std::move(p.line));
    if (out.errors.empty()) out.options = std::move(o);
    return out;
}

std::optional<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace gh::options
