#include "observe/metrics.hpp"

#include <array>
#include <cstdio>
#include <atomic>
#include <memory>
#include <mutex>

namespace gh::observe {
namespace {

constexpr std::array kEndpointNames = {"auth",     "forward_auth", "envoy_http", "envoy_grpc", "start",
                                       "sign_in",  "callback",     "sign_out",   "userinfo",   "backchannel_logout",
                                       "ping",     "ready",        "upstream",   "other"};
static_assert(kEndpointNames.size() == static_cast<std::size_t>(Endpoint::count_));

// The statuses Gatehouse answers with; anything else is counted under "other".
constexpr std::array kStatuses = {200, 202, 204, 302, 400, 401, 403, 404, 405, 413, 414, 431, 500, 501, 503};
constexpr std::size_t kOtherStatus = kStatuses.size();

// Upper bounds in seconds: the auth endpoint answers in tens of microseconds from a cookie, in about a
// millisecond from Redis, in up to a second or two when it must ask the IdP.
constexpr std::array kLatencyBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                       0.01,    0.025,  0.05,    0.1,    0.25,   0.5,    1.0, 2.5};

using Counter = std::atomic<std::uint64_t>;

// Only the owning thread writes: a load and a store, no read-modify-write, no lock prefix.
inline void bump(Counter& c, std::uint64_t by = 1) { c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed); }

struct Shard {
    std::array<std::array<Counter, kStatuses.size() + 1>, kEndpointNames.size()> requests{};
    std::array<Counter, kMaxReasons> decisions{};
    std::array<Counter, kLatencyBounds.size() + 1> latency_buckets{};  // not cumulative; the last is +Inf
    Counter latency_sum_ns{0};
    Counter latency_count{0};
};

struct Registry {
    std::mutex mutex;  // taken when a thread records for the first time and when scraping
    std::vector<std::unique_ptr<Shard>> shards;
    std::vector<std::string> reason_names;
};

Registry& registry() {
    static Registry r;
    return r;
}

Shard& this_threads_shard() {
    // Shards live as long as the process: a thread that ends keeps its counts (counters never go down).
    thread_local Shard* shard = [] {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        r.shards.push_back(std::make_unique<Shard>());
        return r.shards.back().get();
    }();
    return *shard;
}

std::size_t status_index(int status) {
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
        if (kStatuses[i] == status) return i;
    return kOtherStatus;
}

bool is_auth(Endpoint e) {
    return e == Endpoint::auth || e == Endpoint::forward_auth || e == Endpoint::envoy_http || e == Endpoint::envoy_grpc;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

void count_request(Endpoint endpoint, int status, std::chrono::nanoseconds elapsed) {
    Shard& s = this_threads_shard();
    bump(s.requests[static_cast<std::size_t>(endpoint)][status_index(status)]);
    if (!is_auth(endpoint)) return;
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::size_t bucket = 0;
    while (bucket < kLatencyBounds.size() && seconds > kLatencyBounds[bucket]) ++bucket;
    bump(s.latency_buckets[bucket]);
    bump(s.latency_sum_ns, static_cast<std::uint64_t>(elapsed.count() > 0 ? elapsed.count() : 0));
    bump(s.latency_count);
}

void count_decision(std::size_t reason) {
    if (reason < kMaxReasons) bump(this_threads_shard().decisions[reason]);
}

void name_reasons(std::vector<std::string> names) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    r.reason_names = std::move(names);
}

std::string render_prometheus(const Gauges& gauges) {
    auto& r = registry();
    Shard total;
    std::vector<std::string> reasons;
    {
        std::lock_guard lock(r.mutex);
        reasons = r.reason_names;
        for (const auto& s : r.shards) {
            for (std::size_t e = 0; e < total.requests.size(); ++e)
                for (std::size_t c = 0; c < total.requests[e].size(); ++c)
                    bump(total.requests[e][c], s->requests[e][c].load(std::memory_order_relaxed));
            for (std::size_t i = 0; i < kMaxReasons; ++i)
                bump(total.decisions[i], s->decisions[i].load(std::memory_order_relaxed));
            for (std::size_t i = 0; i < total.latency_buckets.size(); ++i)
                bump(total.latency_buckets[i], s->latency_buckets[i].load(std::memory_order_relaxed));
            bump(total.latency_sum_ns, s->latency_sum_ns.load(std::memory_order_relaxed));
            bump(total.latency_count, s->latency_count.load(std::memory_order_relaxed));
        }
    }
    std::string out;
    out.reserve(4096);
    out += "# HELP gatehouse_requests_total Requests answered, by endpoint and HTTP status.\n"
           "# TYPE gatehouse_requests_total counter\n";
    for (std::size_t e = 0; e < total.requests.size(); ++e)
        for (std::size_t c = 0; c < total.requests[e].size(); ++c) {
            const auto n = total.requests[e][c].load();
            if (n == 0) continue;
            out += "gatehouse_requests_total{endpoint=\"";
            out += kEndpointNames[e];
            out += "\",code=\"";
            out += c == kOtherStatus ? "other" : std::to_string(kStatuses[c]);
            out += "\"} " + std::to_string(n) + "\n";
        }
    out += "# HELP gatehouse_auth_decisions_total Authorization decisions, by reason.\n"
           "# TYPE gatehouse_auth_decisions_total counter\n";
    for (std::size_t i = 0; i < reasons.size() && i < kMaxReasons; ++i)
        out += "gatehouse_auth_decisions_total{reason=\"" + reasons[i] + "\"} " +
               std::to_string(total.decisions[i].load()) + "\n";
    out += "# HELP gatehouse_auth_request_duration_seconds Time to answer an auth request (every door).\n"
           "# TYPE gatehouse_auth_request_duration_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < total.latency_buckets.size(); ++i) {
        cumulative += total.latency_buckets[i].load();
        out += "gatehouse_auth_request_duration_seconds_bucket{le=\"";
        out += i < kLatencyBounds.size() ? number(kLatencyBounds[i]) : "+Inf";
        out += "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "gatehouse_auth_request_duration_seconds_sum " + number(total.latency_sum_ns.load() / 1e9) + "\n";
    out += "gatehouse_auth_request_duration_seconds_count " + std::to_string(total.latency_count.load()) + "\n";
    out += "# HELP gatehouse_connections_active Open client connections.\n"
           "# TYPE gatehouse_connections_active gauge\n"
           "gatehouse_connections_active " + std::to_string(gauges.connections_active) + "\n";
    out += "# HELP gatehouse_build_info Gatehouse's version.\n"
           "# TYPE gatehouse_build_info gauge\n"
           "gatehouse_build_info{version=\"" + gauges.version + "\"} 1\n";
    return out;
}

}  // namespace gh::observe
