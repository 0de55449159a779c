#pragma once
// gh::Result<T>: a value, or the problems that kept it from being made. The one error type of the configuration
// and file-loading paths: loaders return it instead of throwing, so that start-up can gather every problem of
// every flag and file and print them together, one line each (std::expected would do, but gcc 12 lacks it).
//
//   Result<Policy, Errors> read(std::string_view text);     // a loader that finds many problems in one file
//   Result<HttpClient> create(ClientOptions options);       // a step that stops at its first (E = Error)
//   return failure(ErrorCode::malformed, "not user:hash", line);
#include <concepts>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace gh {

// What kind of problem it is, for callers that treat kinds differently; the message says which and why.
enum class ErrorCode {
    unreadable_file,  // a file could not be opened or read
    malformed,        // the text breaks its format (YAML or JSON syntax, a line that is not user:hash)
    unsupported,      // well-formed, but something Gatehouse refuses (a non-bcrypt hash, an unknown key type)
    invalid_value,    // a value of the wrong kind or out of range (an unknown key, a host that is no host name)
};

struct Error {
    ErrorCode code = ErrorCode::invalid_value;
    std::string message;
    std::string source;  // what it was found in, when the message does not say: a file, or a flag and its file
    int line = 0;        // 1-based, in that source; 0 when the problem has no line
};

// A loader that reads a whole file reports every problem it finds, in the order of the file.
using Errors = std::vector<Error>;

// One line for an operator: "source: line N: message", leaving out what is not known.
inline std::string describe(const Error& e) {
    std::string out;
    if (!e.source.empty()) out += e.source + ": ";
    if (e.line > 0) out += "line " + std::to_string(e.line) + ": ";
    return out + e.message;
}

// The problems a loader found in the text of `source`: loaders parse text and never know where it came from.
inline Errors found_in(Errors errors, const std::string& source) {
    for (auto& e : errors)
        if (e.source.empty()) e.source = source;
    return errors;
}

// The failed side of a Result, wrapped so that a Result<std::string> cannot mistake a message for a value.
template <class E>
struct Failure {
    E problems;
};

inline Failure<Error> failure(ErrorCode code, std::string message, int line = 0) {
    return {Error{.code = code, .message = std::move(message), .line = line}};
}
inline Failure<Error> failure(Error error) { return {std::move(error)}; }
inline Failure<Errors> failure(Errors errors) { return {std::move(errors)}; }

namespace detail {

// A single Error becomes a list of one where a Result carries Errors.
template <class E, class F>
E as_problems(F&& problems) {
    if constexpr (std::is_same_v<E, Errors> && std::is_same_v<std::remove_cvref_t<F>, Error>)
        return Errors{std::forward<F>(problems)};
    else
        return E(std::forward<F>(problems));
}

inline const Error& first_problem(const Error& e) { return e; }
inline const Error& first_problem(const Errors& errors) {
    static const Error kNone{.message = "a failure without a problem"};  // never made by failure(): a bug
    return errors.empty() ? kNone : errors.front();
}

}  // namespace detail

template <class T, class E = Error>
class [[nodiscard]] Result {
    static_assert(!std::is_same_v<T, E>, "a value and its problems must differ in type");

public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    template <class U>
        requires(!std::is_same_v<std::remove_cvref_t<U>, Result> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
                 std::convertible_to<U, T>)
    Result(U&& value) : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}
    template <class F>
    Result(Failure<F> failed) : state_(std::in_place_index<1>, detail::as_problems<E>(std::move(failed.problems))) {}

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    // The value. Asking a failed Result for it is a bug in the caller: std::logic_error naming the problem.
    T& value() & { return std::get<0>(checked()); }
    const T& value() const& { return std::get<0>(checked()); }
    T&& value() && { return std::get<0>(std::move(checked())); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    // The problems; only for a failed Result.
    const E& error() const { return std::get<1>(state_); }

private:
    std::variant<T, E>& checked() {
        if (!ok()) throw std::logic_error("no value: " + describe(detail::first_problem(error())));
        return state_;
    }
    const std::variant<T, E>& checked() const {
        if (!ok()) throw std::logic_error("no value: " + describe(detail::first_problem(error())));
        return state_;
    }

    std::variant<T, E> state_;
};

// Success without a value: a step that only checks or sets something up.
template <class E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    template <class F>
    Result(Failure<F> failed) : error_(detail::as_problems<E>(std::move(failed.problems))) {}

    bool ok() const noexcept { return !error_; }
    explicit operator bool() const noexcept { return ok(); }
    // The problems; only for a failed Result.
    const E& error() const { return *error_; }

private:
    std::optional<E> error_;
};

// The throwing forms some loaders keep for input known to be good (tests, fixtures): the value, or `Exception`
// carrying the first problem's line, as those forms always threw.
template <class Exception, class T, class E>
T value_or_throw(Result<T, E>&& result) {
    if (!result) throw Exception(describe(detail::first_problem(result.error())));
    return std::move(result).value();
}
template <class Exception, class E>
void throw_if_failed(const Result<void, E>& result) {
    if (!result) throw Exception(describe(detail::first_problem(result.error())));
}

}  // namespace gh
