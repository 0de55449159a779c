#pragma once
// The files the flags name, read with the flags at start-up so that one run reports every problem of both:
// --policy-file, --htpasswd-file and --authenticated-emails-file. The messages leave the flag out; the caller
// says where the path came from (a flag, a variable or a cfg file line).
#include <string>

#include "authz/policy.hpp"
#include "options/parse_options.hpp"
#include "result/result.hpp"

namespace gh::options {

// The policy in the file, or why not: "cannot read PATH", or each problem in it ("PATH: line N: why").
Result<authz::Policy, Errors> read_policy_file(const std::string& path, const FileReader& read_file);

// The htpasswd file's problems: "cannot read PATH", or each line it refuses ("PATH: line N: why"). None for no
// file ("").
Errors check_htpasswd_file(const std::string& path, const FileReader& read_file);

// The emails file's problem, "cannot read PATH"; none for no file (""). Its lines cannot be wrong: oauth2-proxy
// takes each one as an address, and so does Gatehouse.
Errors check_emails_file(const std::string& path, const FileReader& read_file);

}  // namespace gh::options
