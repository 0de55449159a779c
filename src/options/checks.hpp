#pragma once
// The checks of one area of the configuration (options/*_checks.cpp) see the Options the flag table filled and
// name a flag by the field it fills: checks.fail(o.cookie_path, "…") reports under the name the value came by
// (--cookie-path, OAUTH2_PROXY_COOKIE_PATH or the cfg file's line), and no flag is looked up by a string.
#include <string>
#include <string_view>
#include <vector>

#include "options/options.hpp"
#include "options/parse_options.hpp"
#include "options/raw_config.hpp"

namespace gh::options {

// A problem with one flag: the row it belongs to (problems are listed in the table's order, as --help lists the
// flags) and its line.
struct FlagProblem {
    std::size_t row;
    std::string line;
};


class Checks {
public:
    Checks(Options& options, const RawConfig& raw, const FileReader& read_file, std::vector<FlagProblem>& errors)
        : o(options), read_file(read_file), raw_(raw), errors_(errors) {}

    Options& o;
    const FileReader& read_file;

    // Whether the field's flag was set by any source (not left at its default).
    template <class Field>
    bool given(const Field& field) const {
        return raw_of(&field).source != Source::default_value;
    }
    // The raw text the field's flag was given (its default when unset).
    template <class Field>
    std::string text(const Field& field) const {
        const auto& values = raw_of(&field).values;
        return values.empty() ? std::string{} : values.front();
    }
    // Whether the field's flag holds any raw value (a list given items, even ones its parser refused).
    template <class Field>
    bool has_values(const Field& field) const {
        return !raw_of(&field).values.empty();
    }
    template <class Field>
    void fail(const Field& field, std::string_view problem) {
        const std::size_t row = row_of(&field);
        errors_.push_back({row, raw_.values[row].origin + ": " + std::string(problem)});
    }
    std::size_t error_count() const { return errors_.size(); }

private:
    // The row whose field sits at `field` (a logic error if no row fills it).
    std::size_t row_of(const void* field) const;
    const RawValue& raw_of(const void* field) const { return raw_.values[row_of(field)]; }

    const RawConfig& raw_;
    std::vector<FlagProblem>& errors_;
};

// A secret given inline or as a file (--X or --X-file, not both); the file's trailing newline is not part of it.
// Empty when missing or unreadable (the problem reported).
std::string secret_or_file(Checks& c, const Secret& inline_value, const std::string& file, std::string_view flag);

// Each area's checks, in the order their problems are reported.
void check_provider(Checks& c);
void check_cookies(Checks& c);
void check_redis(Checks& c);
void check_access(Checks& c);
void check_trust(Checks& c);
void check_server(Checks& c);

}  // namespace gh::options
