#pragma once
// How a row of the flag table reaches its field of Options: the field (a path of member pointers, checked by the
// compiler), the parser that turns the raw strings into the field's type, and the check of each value. A row
// written with the wrong parser for its field does not compile, and no flag is ever looked up by a string.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "options/flag_table.hpp"
#include "options/options.hpp"
#include "options/value_parsers.hpp"

namespace gh::options::bind {

// The field a path of member pointers names: field<&Options::redis, &RedisOptions::timeout>(o) is o.redis.timeout.
template <auto First, auto... Rest, class Object>
constexpr auto& field(Object& object) {
    if constexpr (sizeof...(Rest) == 0) return object.*First;
    else return field<Rest...>(object.*First);
}

// Where the field sits in Options, so that checks elsewhere can name a flag by the field it fills.
template <auto... Path>
std::size_t offset() {
    const Options& probe = probe_options();
    return static_cast<std::size_t>(reinterpret_cast<const char*>(&field<Path...>(probe)) -
                                    reinterpret_cast<const char*>(&probe));
}

// A parser of one text into a field; returns the problem, or an empty string.
template <class T>
using Parse = std::string (*)(std::string_view text, T& into);

inline const std::string& single(const std::vector<std::string>& values) {
    static const std::string none;
    return values.empty() ? none : values.front();
}

template <auto... Path>
void assign_text(Options& o, const std::vector<std::string>& values, std::vector<std::string>&) {
    field<Path...>(o) = single(values);
}

template <auto... Path>
void assign_secret(Options& o, const std::vector<std::string>& values, std::vector<std::string>&) {
    field<Path...>(o) = Secret(single(values));
}

template <auto... Path>
void assign_list(Options& o, const std::vector<std::string>& values, std::vector<std::string>&) {
    field<Path...>(o) = values;
}

template <auto... Path>
void assign_boolean(Options& o, const std::vector<std::string>& values, std::vector<std::string>& problems) {
    const auto& text = single(values);
    if (const auto v = parse_bool(text)) field<Path...>(o) = *v;
    else problems.push_back("'" + text + "' is not a boolean (true or false)");
}

template <auto... Path>
void assign_duration(Options& o, const std::vector<std::string>& values, std::vector<std::string>& problems) {
    using Duration = std::remove_reference_t<decltype(field<Path...>(o))>;
    const auto& text = single(values);
    // oauth2-proxy reads an empty duration as 0 (its example cfg has cookie_refresh = ""); flags that must be
    // positive use their own parser.
    if (text.empty()) field<Path...>(o) = Duration::zero();
    else if (const auto v = parse_duration(text)) field<Path...>(o) = std::chrono::duration_cast<Duration>(*v);
    else problems.push_back("'" + text + "' is not a duration (e.g. 168h, 1h30m, 15s)");
}

template <std::int64_t Min, std::int64_t Max, auto... Path>
void assign_integer(Options& o, const std::vector<std::string>& values, std::vector<std::string>& problems) {
    using Field = std::remove_reference_t<decltype(field<Path...>(o))>;
    const auto& text = single(values);
    const auto v = parse_integer(text);
    const bool fits = v && *v >= Min && *v <= Max;
    if (!fits)
        problems.push_back("'" + text + "' must be a whole number from " + std::to_string(Min) + " to " +
                           std::to_string(Max));
    // A refused value leaves the least allowed one, so that checks against other flags see a possible value and
    // report nothing about a flag that is fine.
    const std::int64_t value = fits ? *v : Min;
    if constexpr (std::is_integral_v<Field>) field<Path...>(o) = static_cast<Field>(value);
    else field<Path...>(o) = std::chrono::seconds(value);  // a duration given in whole seconds, as oauth2-proxy's
}

template <auto Parser, auto... Path>
void assign_parsed(Options& o, const std::vector<std::string>& values, std::vector<std::string>& problems) {
    if (auto problem = Parser(single(values), field<Path...>(o)); !problem.empty()) problems.push_back(std::move(problem));
}

template <auto Parser, auto... Path>
void assign_each(Options& o, const std::vector<std::string>& values, std::vector<std::string>& problems) {
    for (const auto& value : values)
        if (auto problem = Parser(value, field<Path...>(o)); !problem.empty()) problems.push_back(std::move(problem));
}

// The bindings a row is written with.
template <auto... Path>
constexpr Binding text() { return {FlagType::text, &assign_text<Path...>, &offset<Path...>}; }
template <auto... Path>
constexpr Binding secret() { return {FlagType::text, &assign_secret<Path...>, &offset<Path...>}; }
template <auto... Path>
constexpr Binding list() { return {FlagType::list, &assign_list<Path...>, &offset<Path...>}; }
template <auto... Path>
constexpr Binding boolean() { return {FlagType::boolean, &assign_boolean<Path...>, &offset<Path...>}; }
template <auto... Path>
constexpr Binding duration() { return {FlagType::duration, &assign_duration<Path...>, &offset<Path...>}; }
template <std::int64_t Min, std::int64_t Max, auto... Path>
constexpr Binding integer() { return {FlagType::integer, &assign_integer<Min, Max, Path...>, &offset<Path...>}; }
// One value, read by its own parser (which also checks it).
template <auto Parser, auto... Path>
constexpr Binding parsed(FlagType type = FlagType::text) {
    return {type, &assign_parsed<Parser, Path...>, &offset<Path...>};
}
// A list whose every item goes through the parser (which appends it to the field).
template <auto Parser, auto... Path>
constexpr Binding each() { return {FlagType::list, &assign_each<Parser, Path...>, &offset<Path...>}; }

}  // namespace gh::options::bind
