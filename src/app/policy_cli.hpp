#pragma once
// `gatehouse policy check FILE` and `gatehouse policy explain FILE --host H --path P [--method M]
// [--email E] [--groups a,b]`: validate a policy file, or show which rule decides a request and why.
#include <string>
#include <vector>

namespace gh::app {

// `args` are the words after "policy". Returns the process exit code (0 ok, 1 denied by explain, 2 bad input).
int run_policy_command(const std::vector<std::string>& args);

}  // namespace gh::app
