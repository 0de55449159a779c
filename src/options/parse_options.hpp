#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "options/options.hpp"
#include "options/raw_config.hpp"

namespace gh::options {

struct ParseOutcome {
    std::optional<Options> options;   // set when there are no errors and neither help nor version was asked
    std::vector<std::string> errors;  // one line each, every one naming its flag
    bool help = false;
    bool version = false;
};

using FileReader = std::function<std::optional<std::string>(const std::string&)>;

// Reads every source and validates every flag; collects all problems instead of stopping at the first,
// and has no side effects beyond reading the files it is pointed at.
ParseOutcome parse_options(const std::vector<std::string>& args, const Environment& env, const FileReader& read_file);

// Reads a whole file, or nullopt.
std::optional<std::string> read_text_file(const std::string& path);

std::string help_text();
// `gatehouse flags`: the flag table and the refused oauth2-proxy flags as Markdown, the migration guide's tables.
std::string flags_markdown();

}  // namespace gh::options
