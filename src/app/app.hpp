#pragma once
// Builds every component from the options and owns their lifetimes.
#include "options/options.hpp"

namespace gh::app {

// Serves until SIGTERM/SIGINT; returns the process exit code.
int run(const options::Options& options);

}  // namespace gh::app
