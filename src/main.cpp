#include <malloc.h>
#include <iostream>

#include "app/app.hpp"
#include "app/doctor_cli.hpp"
#include "app/policy_cli.hpp"
#include "options/parse_options.hpp"
#include "version.hpp"

extern char** environ;

int main(int argc, char** argv) {
    // Buffers of a MiB or more (a request body near --grpc-max-message-bytes, the answer it gets) are mapped and
    // unmapped on their own. glibc otherwise raises that threshold to the size of the last one freed, and keeps every
    // later one in its arenas after use: 16 clients sending 4 MiB Checks left the server 270 MB larger (D31-F2).
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && args[0] == "flags") {
        std::cout << gh::options::flags_markdown();
        return 0;
    }
    if (!args.empty() && args[0] == "policy") return gh::app::run_policy_command({args.begin() + 1, args.end()});
    gh::options::Environment env;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos) env.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    }
    if (!args.empty() && args[0] == "doctor") return gh::app::run_doctor_command({args.begin() + 1, args.end()}, env);
    const auto outcome = gh::options::parse_options(args, env, gh::options::read_text_file);
    if (!outcome.errors.empty()) {
        for (const auto& e : outcome.errors) std::cerr << "gatehouse: " << e << "\n";
        return 2;
    }
    if (outcome.help) {
        std::cout << gh::options::help_text();
        return 0;
    }
    if (outcome.version) {
        std::cout << "gatehouse " << gh::kVersion << "\n";
        return 0;
    }
    return gh::app::run(*outcome.options);
}
