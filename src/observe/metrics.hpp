#pragma once
// Counters and histograms for /metrics (Prometheus text format). Every thread that answers requests writes
// its own shard and a scrape sums the shards, so recording takes no lock and shares no cache line: a shard's
// values are written only by its own thread (relaxed atomics, so that the scraping thread may read them).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gh::observe {

// What a request was answered by, in gatehouse_requests_total{endpoint=…}: the fixed endpoints below, then the
// doors, each under the name it registers with (door_endpoint).
enum class Endpoint : std::uint8_t {
    start,
    sign_in,
    callback,
    sign_out,
    userinfo,
    backchannel_logout,
    ping,
    ready,
    upstream,            // anything outside --proxy-prefix
    other,
    first_door_          // the doors' endpoints follow, in the order they register
};
inline constexpr std::size_t kMaxEndpoints = 24;

// The endpoint of the door named `name` (a metrics label: "auth", "envoy_grpc"); its answers also feed the auth
// latency histogram. The same name gives the same endpoint. Doors register when they are built, at start; a
// name beyond kMaxEndpoints is a programming error (std::logic_error).
Endpoint door_endpoint(std::string_view name);

// Records one answer. The doors' answers also feed the auth latency histogram.
void count_request(Endpoint endpoint, int status, std::chrono::nanoseconds elapsed);

// Records one authorization decision by its reason (gate::Reason as an index below kMaxReasons).
inline constexpr std::size_t kMaxReasons = 32;
void count_decision(std::size_t reason);

// Session-store round trips (Redis commands), by what the store was doing.
enum class StoreOperation : std::uint8_t { load, save, remove, revoke, count_ };
void time_session_store(StoreOperation op, std::chrono::nanoseconds elapsed, bool failed);

// Calls to the IdP, by endpoint. `failed`: no answer, or a server error.
// `userinfo`: the OIDC userinfo endpoint; `api`: a provider's own API (GitHub, Microsoft Graph, Google Directory).
enum class IdpCall : std::uint8_t { discovery, jwks, token, refresh, userinfo, api, count_ };
void time_idp_call(IdpCall call, std::chrono::nanoseconds elapsed, bool failed);

// Session refreshes (--cookie-refresh) by outcome: renewed; refused by the IdP (the session ends); kept
// because the IdP or the store could not be reached (the session stays until it expires).
enum class RefreshOutcome : std::uint8_t { renewed, refused, kept, count_ };
void count_refresh(RefreshOutcome outcome);

// Names of the decision reasons, by index; set once at start-up, before any thread records.
void name_reasons(std::vector<std::string> names);

struct Gauges {
    std::uint64_t connections_active = 0;
    std::string version;
};

// The whole exposition, summed over every shard.
std::string render_prometheus(const Gauges& gauges);

}  // namespace gh::observe
