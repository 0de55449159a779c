#include <sstream>

#include "options/flag_table.hpp"
#include "options/parse_options.hpp"
#include "version.hpp"

namespace gh::options {

std::string help_text() {
    std::ostringstream out;
    out << "gatehouse " << kVersion << " - forward-auth single sign-on, a drop-in for oauth2-proxy\n\n"
        << "usage: gatehouse [--flag=value ...]\n\n"
        << "Each flag can also be set with its environment variable or its key in the --config file.\n"
        << "Precedence: flag > environment > config file > default.\n\n";
    for (const auto& f : flag_table()) {
        std::string left = "  --" + std::string(f.name);
        if (f.type() != FlagType::boolean) left += f.type() == FlagType::list ? " strings" : " value";
        out << left;
        // A name too long for its column gets the description on the next line.
        if (left.size() >= 39) out << "\n" << std::string(40, ' ');
        for (std::size_t i = left.size(); i < 40 && left.size() < 39; ++i) out << ' ';
        out << f.help;
        if (!f.default_value.empty()) out << " (default " << f.default_value << ")";
        if (flag_only(f)) out << "\n" << std::string(40, ' ') << "(flag only)\n";
        else out << "\n" << std::string(40, ' ') << env_name(f) << ", cfg " << f.cfg_key << "\n";
    }
    out << "  --version                             print the version\n\n"
        << "gatehouse doctor [these flags] --protected-url URL ... [--sample-token-file FILE] [--offline] [--strict]\n"
        << "    checks a configuration for the classic forward-auth mistakes, each with its fix\n"
        << "gatehouse policy check FILE | policy explain FILE --host H --path P ...\n"
        << "    validates a --policy-file, or shows which rule decides a request\n"
        << "gatehouse flags\n"
        << "    every flag and every refused oauth2-proxy flag as Markdown tables (the migration guide's)\n";
    return out.str();
}

namespace {

std::string_view compat_text(Compat c) {
    switch (c) {
        case Compat::same: return "same";
        case Compat::differs: return "differs: see below";
        case Compat::gatehouse: return "Gatehouse's own";
    }
    return "same";
}

// A table cell: a '|' would end it early.
std::string cell(std::string_view text) {
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

}  // namespace

std::string flags_markdown() {
    std::ostringstream out;
    out << "| flag | variable, cfg key | default | oauth2-proxy |\n| --- | --- | --- | --- |\n";
    for (const auto& f : flag_table()) {
        out << "| `--" << f.name << "` | ";
        if (flag_only(f)) out << "(flag only)";
        else out << "`" << env_name(f) << "`, `" << f.cfg_key << "`";
        out << " | " << (f.default_value.empty() ? "" : "`" + cell(f.default_value) + "`") << " | "
            << compat_text(f.compat) << " |\n";
    }
    out << "\n| oauth2-proxy flag, refused by name | instead |\n| --- | --- |\n";
    for (const auto& u : unsupported_flags()) out << "| `--" << u.name << "` | " << cell(u.instead) << " |\n";
    return out.str();
}

}  // namespace gh::options
