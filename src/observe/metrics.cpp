#include "observe/metrics.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string_view>

namespace gh::observe {
namespace {

constexpr std::array<std::string_view, 10> kFixedEndpointNames = {
    "start", "sign_in", "callback", "sign_out", "userinfo", "backchannel_logout", "ping", "ready", "upstream", "other"};
static_assert(kFixedEndpointNames.size() == static_cast<std::size_t>(Endpoint::first_door_));

// The statuses Gatehouse answers with; anything else is counted under "other".
constexpr std::array kStatuses = {200, 202, 204, 302, 400, 401, 403, 404, 405, 413, 414, 431, 500, 501, 503};
constexpr std::size_t kOtherStatus = kStatuses.size();

// Upper bounds in seconds: the auth endpoint answers in tens of microseconds from a cookie, in about a
// millisecond from Redis, in up to a second or two when it must ask the IdP.
constexpr std::array kLatencyBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                       0.01,    0.025,  0.05,    0.1,    0.25,   0.5,    1.0, 2.5};

constexpr std::array kStoreOperationNames = {"load", "save", "delete", "revoke"};
static_assert(kStoreOperationNames.size() == static_cast<std::size_t>(StoreOperation::count_));
constexpr std::array kIdpCallNames = {"discovery", "jwks", "token", "refresh", "userinfo", "api"};
static_assert(kIdpCallNames.size() == static_cast<std::size_t>(IdpCall::count_));
constexpr std::array kRefreshOutcomeNames = {"renewed", "refused", "kept"};
static_assert(kRefreshOutcomeNames.size() == static_cast<std::size_t>(RefreshOutcome::count_));

using Counter = std::atomic<std::uint64_t>;

// Only the owning thread writes: a load and a store, no read-modify-write, no lock prefix.
inline void bump(Counter& c, std::uint64_t by = 1) { c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed); }

struct Histogram {
    std::array<Counter, kLatencyBounds.size() + 1> buckets{};  // not cumulative; the last is +Inf
    Counter sum_ns{0};
    Counter count{0};

    void record(std::chrono::nanoseconds elapsed) {
        const double seconds = std::chrono::duration<double>(elapsed).count();
        std::size_t bucket = 0;
        while (bucket < kLatencyBounds.size() && seconds > kLatencyBounds[bucket]) ++bucket;
        bump(buckets[bucket]);
        bump(sum_ns, static_cast<std::uint64_t>(elapsed.count() > 0 ? elapsed.count() : 0));
        bump(count);
    }
    void add(const Histogram& other) {
        for (std::size_t i = 0; i < buckets.size(); ++i) bump(buckets[i], other.buckets[i].load(std::memory_order_relaxed));
        bump(sum_ns, other.sum_ns.load(std::memory_order_relaxed));
        bump(count, other.count.load(std::memory_order_relaxed));
    }
};

struct Shard {
    std::array<std::array<Counter, kStatuses.size() + 1>, kMaxEndpoints> requests{};
    std::array<Counter, kMaxReasons> decisions{};
    Histogram auth_latency;
    std::array<Histogram, kStoreOperationNames.size()> store_latency;
    std::array<Counter, kStoreOperationNames.size()> store_errors{};
    std::array<Histogram, kIdpCallNames.size()> idp_latency;
    std::array<Counter, kIdpCallNames.size()> idp_errors{};
    std::array<Counter, kRefreshOutcomeNames.size()> refreshes{};
};

struct Registry {
    std::mutex mutex;  // taken when a thread records for the first time, when a door registers and when scraping
    std::vector<std::unique_ptr<Shard>> shards;
    std::vector<std::string> reason_names;
    std::vector<std::string> door_names;  // door i is Endpoint first_door_ + i
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

bool is_auth(Endpoint e) { return e >= Endpoint::first_door_; }

constexpr std::size_t kFirstDoor = static_cast<std::size_t>(Endpoint::first_door_);

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// One histogram's series; `labels` (without braces) go before `le`.
void render_histogram(std::string& out, std::string_view name, const std::string& labels, const Histogram& h) {
    const std::string prefix = labels.empty() ? std::string{} : labels + ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
        cumulative += h.buckets[i].load();
        out += std::string(name) + "_bucket{" + prefix + "le=\"";
        out += i < kLatencyBounds.size() ? number(kLatencyBounds[i]) : "+Inf";
        out += "\"} " + std::to_string(cumulative) + "\n";
    }
    const std::string braces = labels.empty() ? std::string{} : "{" + labels + "}";
    out += std::string(name) + "_sum" + braces + " " + number(h.sum_ns.load() / 1e9) + "\n";
    out += std::string(name) + "_count" + braces + " " + std::to_string(h.count.load()) + "\n";
}

// Every thread's counts added up into `total`, and the names of the decisions' reasons, under the registry's lock.
// The shards summed into `total`, with the names of the reasons and of the endpoints (the fixed ones, then the doors).
void add_up_shards(Shard& total, std::vector<std::string>& reasons, std::vector<std::string>& endpoints) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    reasons = r.reason_names;
    endpoints.assign(kFixedEndpointNames.begin(), kFixedEndpointNames.end());
    endpoints.insert(endpoints.end(), r.door_names.begin(), r.door_names.end());
    for (const auto& s : r.shards) {
        for (std::size_t e = 0; e < total.requests.size(); ++e)
            for (std::size_t c = 0; c < total.requests[e].size(); ++c)
                bump(total.requests[e][c], s->requests[e][c].load(std::memory_order_relaxed));
        for (std::size_t i = 0; i < kMaxReasons; ++i)
            bump(total.decisions[i], s->decisions[i].load(std::memory_order_relaxed));
        total.auth_latency.add(s->auth_latency);
        for (std::size_t i = 0; i < kStoreOperationNames.size(); ++i) {
            total.store_latency[i].add(s->store_latency[i]);
            bump(total.store_errors[i], s->store_errors[i].load(std::memory_order_relaxed));
        }
        for (std::size_t i = 0; i < kIdpCallNames.size(); ++i) {
            total.idp_latency[i].add(s->idp_latency[i]);
            bump(total.idp_errors[i], s->idp_errors[i].load(std::memory_order_relaxed));
        }
        for (std::size_t i = 0; i < kRefreshOutcomeNames.size(); ++i)
            bump(total.refreshes[i], s->refreshes[i].load(std::memory_order_relaxed));
    }
}

void render_family_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// A counter family, one series per value of its label: `name{label="names[i]"} counts[i]`, for i < n.
template <class Names, class Counts>
void render_counter_family(std::string& out, std::string_view name, std::string_view help, std::string_view label,
                           const Names& names, const Counts& counts, std::size_t n) {
    render_family_header(out, name, help, "counter");
    for (std::size_t i = 0; i < n; ++i) {
        out.append(name).append("{").append(label).append("=\"").append(names[i]).append("\"} ");
        out.append(std::to_string(counts[i].load())).append("\n");
    }
}

// A histogram family, one histogram per value of its label.
template <class Names, class Histograms>
void render_histogram_family(std::string& out, std::string_view name, std::string_view help, std::string_view label,
                             const Names& names, const Histograms& histograms) {
    render_family_header(out, name, help, "histogram");
    for (std::size_t i = 0; i < names.size(); ++i)
        render_histogram(out, name, std::string(label) + "=\"" + names[i] + "\"", histograms[i]);
}

// Requests by endpoint and status; a pair never seen is left out.
void render_requests(std::string& out, const Shard& total, const std::vector<std::string>& endpoints) {
    render_family_header(out, "gatehouse_requests_total", "Requests answered, by endpoint and HTTP status.", "counter");
    for (std::size_t e = 0; e < endpoints.size(); ++e)
        for (std::size_t c = 0; c < total.requests[e].size(); ++c) {
            const auto n = total.requests[e][c].load();
            if (n == 0) continue;
            out += "gatehouse_requests_total{endpoint=\"";
            out += endpoints[e];
            out += "\",code=\"";
            out += c == kOtherStatus ? "other" : std::to_string(kStatuses[c]);
            out += "\"} " + std::to_string(n) + "\n";
        }
}

}  // namespace

Endpoint door_endpoint(std::string_view name) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it = std::find(r.door_names.begin(), r.door_names.end(), name);
    const std::size_t index = static_cast<std::size_t>(it - r.door_names.begin());
    if (it == r.door_names.end()) {
        if (kFirstDoor + index >= kMaxEndpoints) throw std::logic_error("more doors than kMaxEndpoints");
        r.door_names.emplace_back(name);
    }
    return static_cast<Endpoint>(kFirstDoor + index);
}

void count_request(Endpoint endpoint, int status, std::chrono::nanoseconds elapsed) {
    Shard& s = this_threads_shard();
    bump(s.requests[static_cast<std::size_t>(endpoint)][status_index(status)]);
    if (is_auth(endpoint)) s.auth_latency.record(elapsed);
}

void time_session_store(StoreOperation op, std::chrono::nanoseconds elapsed, bool failed) {
    Shard& s = this_threads_shard();
    s.store_latency[static_cast<std::size_t>(op)].record(elapsed);
    if (failed) bump(s.store_errors[static_cast<std::size_t>(op)]);
}

void time_idp_call(IdpCall call, std::chrono::nanoseconds elapsed, bool failed) {
    Shard& s = this_threads_shard();
    s.idp_latency[static_cast<std::size_t>(call)].record(elapsed);
    if (failed) bump(s.idp_errors[static_cast<std::size_t>(call)]);
}

void count_refresh(RefreshOutcome outcome) { bump(this_threads_shard().refreshes[static_cast<std::size_t>(outcome)]); }

void count_decision(std::size_t reason) {
    if (reason < kMaxReasons) bump(this_threads_shard().decisions[reason]);
}

void name_reasons(std::vector<std::string> names) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    r.reason_names = std::move(names);
}

std::string render_prometheus(const Gauges& gauges) {
    Shard total;
    std::vector<std::string> reasons, endpoints;
    add_up_shards(total, reasons, endpoints);
    std::string out;
    out.reserve(4096);
    render_requests(out, total, endpoints);
    render_counter_family(out, "gatehouse_auth_decisions_total", "Authorization decisions, by reason.", "reason",
                          reasons, total.decisions, std::min(reasons.size(), kMaxReasons));
    render_family_header(out, "gatehouse_auth_request_duration_seconds", "Time to answer an auth request (every door).",
                         "histogram");
    render_histogram(out, "gatehouse_auth_request_duration_seconds", "", total.auth_latency);
    render_histogram_family(out, "gatehouse_session_store_duration_seconds",
                            "Session-store (Redis) round trips, by operation.", "operation", kStoreOperationNames,
                            total.store_latency);
    render_counter_family(out, "gatehouse_session_store_errors_total",
                          "Session-store round trips that failed, by operation.", "operation", kStoreOperationNames,
                          total.store_errors, kStoreOperationNames.size());
    render_histogram_family(out, "gatehouse_idp_request_duration_seconds",
                            "Calls to the identity provider, by endpoint.", "call", kIdpCallNames, total.idp_latency);
    render_counter_family(out, "gatehouse_idp_errors_total",
                          "Calls to the identity provider without an answer or with a server error, by endpoint.",
                          "call", kIdpCallNames, total.idp_errors, kIdpCallNames.size());
    render_counter_family(out, "gatehouse_session_refreshes_total", "Session refreshes (--cookie-refresh), by outcome.",
                          "outcome", kRefreshOutcomeNames, total.refreshes, kRefreshOutcomeNames.size());
    render_family_header(out, "gatehouse_connections_active", "Open client connections.", "gauge");
    out += "gatehouse_connections_active " + std::to_string(gauges.connections_active) + "\n";
    render_family_header(out, "gatehouse_build_info", "Gatehouse's version.", "gauge");
    out += "gatehouse_build_info{version=\"" + gauges.version + "\"} 1\n";
    return out;
}

}  // namespace gh::observe
