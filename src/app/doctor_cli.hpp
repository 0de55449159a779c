#pragma once
// `gatehouse doctor [the server's flags, env and --config] --protected-url URL … [--sample-token-file FILE]
// [--offline] [--strict]`: reads the same configuration the server would, and reports the classic
// forward-auth failures, each with its fix. Exit status: 0 clean, 1 something to fix, 2 invalid configuration.
#include <string>
#include <vector>

#include "options/parse_options.hpp"

namespace gh::app {

int run_doctor_command(const std::vector<std::string>& args, const options::Environment& env);

}  // namespace gh::app
