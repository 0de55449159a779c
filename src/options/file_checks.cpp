#include "options/file_checks.hpp"

#include "authz/htpasswd_file.hpp"

namespace gh::options {
namespace {

Result<std::string> text_of(const std::string& path, const FileReader& read_file) {
    auto text = read_file(path);
    if (!text) return failure(ErrorCode::unreadable_file, "cannot read " + path);
    return std::move(*text);
}

}  // namespace

Result<authz::Policy, Errors> read_policy_file(const std::string& path, const FileReader& read_file) {
    const auto text = text_of(path, read_file);
    if (!text) return failure(text.error());
    auto policy = authz::Policy::read(*text);
    if (!policy) return failure(found_in(policy.error(), path));
    return policy;
}

Errors check_htpasswd_file(const std::string& path, const FileReader& read_file) {
    if (path.empty()) return {};
    const auto text = text_of(path, read_file);
    if (!text) return {text.error()};
    const auto entries = authz::read_htpasswd(*text);
    return entries ? Errors{} : found_in(entries.error(), path);
}

Errors check_emails_file(const std::string& path, const FileReader& read_file) {
    if (path.empty()) return {};
    const auto text = text_of(path, read_file);
    return text ? Errors{} : Errors{text.error()};
}

}  // namespace gh::options
