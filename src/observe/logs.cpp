#include "observe/logs.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "observe/line_template.hpp"
#include "observe/log_lines.hpp"
#include "observe/log_text.hpp"

namespace gh::observe {
namespace {

constexpr std::array<std::string_view, 3> kStandardFields = {"Timestamp", "File", "Message"};
enum StandardField { s_timestamp, s_file, s_message };

constexpr std::array<std::string_view, 13> kRequestFields = {
    "Client",   "RequestID", "Username",  "Timestamp",  "Host",         "RequestMethod",  "Upstream",
    "RequestURI", "Protocol", "UserAgent", "StatusCode", "ResponseSize", "RequestDuration"};
enum RequestField {
    r_client, r_request_id, r_username, r_timestamp, r_host, r_method, r_upstream,
    r_uri, r_protocol, r_user_agent, r_status, r_size, r_duration
};

constexpr std::array<std::string_view, 6> kAuthFields = {"Client", "RequestID", "Username",
                                                         "Timestamp", "Status", "Message"};
enum AuthField { a_client, a_request_id, a_username, a_timestamp, a_status, a_message };

// Set once by configure_logs() before any other thread runs; read-only afterwards.
struct State {
    LogSettings settings;
    std::optional<LineTemplate> standard, request, auth;
};
State g_state;

LineTemplate compile_or_throw(std::string_view format, std::span<const std::string_view> fields) {
    std::string error;
    auto t = LineTemplate::compile(format, fields, error);
    if (!t) throw std::invalid_argument(error);
    return std::move(*t);
}

// "2006/01/02 15:04:05" (oauth2-proxy's layout) for text, RFC 3339 for JSON. Formatting a time costs a
// time-zone lookup under glibc's lock, so each thread formats once per second and reuses the text.
struct Timestamps {
    std::time_t second = -1;
    char text[32] = {};
    char iso[32] = {};  // without fraction and zone
};
thread_local Timestamps t_stamps;

const Timestamps& timestamps_for(std::time_t second) {
    Timestamps& t = t_stamps;
    if (t.second != second) {
        std::tm local{}, utc{};
        if (g_state.settings.local_time) localtime_r(&second, &local);
        gmtime_r(&second, &utc);
        std::strftime(t.text, sizeof t.text, "%Y/%m/%d %H:%M:%S", g_state.settings.local_time ? &local : &utc);
        std::strftime(t.iso, sizeof t.iso, "%Y-%m-%dT%H:%M:%S", &utc);
        t.second = second;
    }
    return t;
}

struct Now {
    std::time_t second;
    int millis;
};

Now now() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);  // vDSO: no system call
    return {ts.tv_sec, static_cast<int>(ts.tv_nsec / 1'000'000)};
}

void append_iso_time(std::string& out, Now n) {
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", n.millis);
    out += timestamps_for(n.second).iso;
    out += millis;
}

void append_or_dash(std::string& out, std::string_view s) {
    if (s.empty()) out += '-';
    else append_log_text(out, s, 256);
}

void append_quoted(std::string& out, std::string_view s) {
    out += '"';
    append_log_text(out, s, 1024);
    out += '"';
}

// to_chars, not printf: these run for every request line.
void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

// Seconds with three decimals ("0.004"), as oauth2-proxy writes RequestDuration.
void append_seconds(std::string& out, std::chrono::nanoseconds d) {
    const auto millis = static_cast<std::uint64_t>(std::max<std::int64_t>(0, (d.count() + 500'000) / 1'000'000));
    append_number(out, millis / 1000);
    const auto frac = millis % 1000;
    out += '.';
    out += static_cast<char>('0' + frac / 100);
    out += static_cast<char>('0' + frac / 10 % 10);
    out += static_cast<char>('0' + frac % 10);
}

// Each thread builds its lines in one buffer that keeps its capacity.
std::string& line_buffer() {
    thread_local std::string buffer;
    buffer.clear();
    return buffer;
}

void json_field(std::string& out, std::string_view key, std::string_view value) {
    out += ",\"";
    out += key;
    out += "\":";
    append_json_string(out, value);
}

void json_number(std::string& out, std::string_view key, std::uint64_t value) {
    out += ",\"";
    out += key;
    out += "\":";
    append_number(out, value);
}

void json_start(std::string& out, Now n, std::string_view level, std::string_view log) {
    out += "{\"time\":\"";
    append_iso_time(out, n);
    out += "\",\"level\":\"";
    out += level;
    out += "\",\"log\":\"";
    out += log;
    out += '"';
}

std::string_view status_name(AuthStatus s) {
    switch (s) {
        case AuthStatus::success: return "AuthSuccess";
        case AuthStatus::failure: return "AuthFailure";
        case AuthStatus::error: return "AuthError";
    }
    return "AuthError";
}

// spdlog's standard lines, in the standard format, through the same writer as the other logs.
class StandardSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto since_epoch = msg.time.time_since_epoch();
        const Now n{static_cast<std::time_t>(std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count()),
                    static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000)};
        const std::string_view level(spdlog::level::to_string_view(msg.level).data(),
                                     spdlog::level::to_string_view(msg.level).size());
        const std::string_view message(msg.payload.data(), msg.payload.size());
        std::string& out = line_buffer();
        if (g_state.settings.json) {
            json_start(out, n, level, "standard");
            json_field(out, "msg", message);
            out += "}\n";
        } else {
            g_state.standard->render(out, [&](int field, std::string& o) {
                switch (field) {
                    case s_timestamp: o += timestamps_for(n.second).text; break;
                    case s_file: o += level; break;  // no source files in Gatehouse's lines: the level instead
                    case s_message: o += message; break;
                }
            });
            out += '\n';
        }
        write_log_line(out);
    }
    void flush_() override { flush_log_lines(); }
};

}  // namespace

std::span<const std::string_view> standard_fields() { return kStandardFields; }
std::span<const std::string_view> request_fields() { return kRequestFields; }
std::span<const std::string_view> auth_fields() { return kAuthFields; }

std::string check_format(std::string_view format, std::span<const std::string_view> fields) {
    std::string error;
    if (!LineTemplate::compile(format, fields, error)) return error;
    return {};
}

void configure_logs(const LogSettings& settings) {
    g_state.settings = settings;
    g_state.standard = compile_or_throw(settings.standard_format, kStandardFields);
    g_state.request = compile_or_throw(settings.request_format, kRequestFields);
    g_state.auth = compile_or_throw(settings.auth_format, kAuthFields);
    auto logger = std::make_shared<spdlog::logger>("gatehouse", std::make_shared<StandardSink>());
    // --standard-logging=false quiets the informational lines; warnings and errors still say what went wrong.
    logger->set_level(settings.standard ? spdlog::level::info : spdlog::level::warn);
    // An error may be the last thing this process says: out at once, not at the end of the loop's turn.
    logger->flush_on(spdlog::level::err);
    spdlog::set_default_logger(std::move(logger));
}

bool request_logging_on() { return g_state.settings.request && g_state.request; }
bool auth_logging_on() { return g_state.settings.auth && g_state.auth; }

void log_request(const RequestLine& r) {
    if (!request_logging_on()) return;
    const Now n = now();
    std::string& out = line_buffer();
    if (g_state.settings.json) {
        json_start(out, n, "info", "request");
        json_field(out, "client", r.client);
        json_field(out, "request_id", r.request_id);
        json_field(out, "user", r.user);
        json_field(out, "host", r.host);
        json_field(out, "method", r.method);
        json_field(out, "upstream", r.upstream);
        json_field(out, "uri", r.uri);
        json_field(out, "protocol", r.protocol);
        json_field(out, "user_agent", r.user_agent);
        json_number(out, "status", static_cast<std::uint64_t>(r.status));
        json_number(out, "size", r.response_size);
        out += ",\"duration\":";
        append_seconds(out, r.duration);
        out += "}\n";
    } else {
        g_state.request->render(out, [&](int field, std::string& o) {
            switch (field) {
                case r_client: append_or_dash(o, r.client); break;
                case r_request_id: append_or_dash(o, r.request_id); break;
                case r_username: append_or_dash(o, r.user); break;
                case r_timestamp: o += timestamps_for(n.second).text; break;
                case r_host: append_or_dash(o, r.host); break;
                case r_method: append_or_dash(o, r.method); break;
                case r_upstream: append_or_dash(o, r.upstream); break;
                case r_uri: append_quoted(o, r.uri); break;
                case r_protocol: append_or_dash(o, r.protocol); break;
                case r_user_agent: append_quoted(o, r.user_agent); break;
                case r_status: append_number(o, static_cast<std::uint64_t>(r.status)); break;
                case r_size: append_number(o, r.response_size); break;
                case r_duration: append_seconds(o, r.duration); break;
            }
        });
        out += '\n';
    }
    write_log_line(out);
}

void log_auth(const AuthLine& a) {
    if (!auth_logging_on()) return;
    const Now n = now();
    std::string& out = line_buffer();
    if (g_state.settings.json) {
        json_start(out, n, a.status == AuthStatus::error ? "error" : "info", "auth");
        json_field(out, "status", status_name(a.status));
        json_field(out, "client", a.client);
        json_field(out, "request_id", a.request_id);
        json_field(out, "user", a.user);
        if (a.http_status) json_number(out, "http_status", static_cast<std::uint64_t>(a.http_status));
        if (!a.reason.empty()) json_field(out, "reason", a.reason);
        if (!a.host.empty()) json_field(out, "host", a.host);
        if (!a.path.empty()) json_field(out, "path", a.path);
        json_field(out, "msg", a.message);
        out += "}\n";
    } else {
        g_state.auth->render(out, [&](int field, std::string& o) {
            switch (field) {
                case a_client: append_or_dash(o, a.client); break;
                case a_request_id: append_or_dash(o, a.request_id); break;
                case a_username: append_or_dash(o, a.user); break;
                case a_timestamp: o += timestamps_for(n.second).text; break;
                case a_status: o += status_name(a.status); break;
                case a_message: o += a.message; break;
            }
        });
        out += '\n';
    }
    write_log_line(out);
}

}  // namespace gh::observe
