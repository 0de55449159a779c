#include "observe/metrics.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

using namespace gh::observe;
using namespace std::chrono_literals;

namespace {

// The value of one sample line, or -1 when the exposition has no such line. (The registry is process-wide,
// so tests compare before and after.)
double sample(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST(Metrics, CountsFromEveryThreadAreSummedAtScrape) {
    const std::string series = "gatehouse_requests_total{endpoint=\"userinfo\",code=\"200\"}";
    const double before = std::max(0.0, sample(render_prometheus({}), series));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([] {
            for (int i = 0; i < 1000; ++i) count_request(Endpoint::userinfo, 200, 1us);
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(sample(render_prometheus({}), series), before + 4000);
}

TEST(Metrics, UnknownStatusesCountAsOtherAndOnlyAuthEndpointsFeedTheHistogram) {
    const auto text0 = render_prometheus({});
    const double count0 = sample(text0, "gatehouse_auth_request_duration_seconds_count");
    count_request(Endpoint::sign_out, 418, 1ms);
    count_request(door_endpoint("auth"), 202, 300us);
    count_request(door_endpoint("envoy_grpc"), 403, 3s);
    const auto text = render_prometheus({});
    EXPECT_GE(sample(text, "gatehouse_requests_total{endpoint=\"sign_out\",code=\"other\"}"), 1);
    EXPECT_EQ(sample(text, "gatehouse_auth_request_duration_seconds_count"), count0 + 2);
    // Buckets are cumulative and end with +Inf = count; 300 µs is above 0.00025 and within 0.0005.
    EXPECT_EQ(sample(text, "gatehouse_auth_request_duration_seconds_bucket{le=\"+Inf\"}"), count0 + 2);
    EXPECT_GE(sample(text, "gatehouse_auth_request_duration_seconds_bucket{le=\"0.0005\"}") -
                  sample(text, "gatehouse_auth_request_duration_seconds_bucket{le=\"0.00025\"}"),
              1);
    EXPECT_LE(sample(text, "gatehouse_auth_request_duration_seconds_bucket{le=\"2.5\"}"), count0 + 1);
}

TEST(Metrics, DecisionsAreNamedAndGaugesShown) {
    name_reasons({"allowed", "no_session"});
    count_decision(1);
    count_decision(1);
    count_decision(99);  // out of range: ignored, never a crash
    const auto text = render_prometheus({.connections_active = 7, .version = "1.2.3"});
    EXPECT_GE(sample(text, "gatehouse_auth_decisions_total{reason=\"no_session\"}"), 2);
    EXPECT_EQ(sample(text, "gatehouse_connections_active"), 7);
    EXPECT_EQ(sample(text, "gatehouse_build_info{version=\"1.2.3\"}"), 1);
    // Every line is a comment or "name{labels} value": the text format Prometheus parses.
    const std::regex line(R"(^(# (HELP|TYPE) .*|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+)$)");
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        ASSERT_NE(nl, std::string::npos);
        EXPECT_TRUE(std::regex_match(text.substr(start, nl - start), line)) << text.substr(start, nl - start);
        start = nl + 1;
    }
}

TEST(Metrics, SessionStoreIdpAndRefreshSeriesCarryTheirLabels) {
    const auto before = render_prometheus({});
    const auto at = [](const std::string& text, const std::string& series) { return std::max(0.0, sample(text, series)); };
    time_session_store(StoreOperation::load, 400us, false);
    time_session_store(StoreOperation::load, 2ms, true);
    time_idp_call(IdpCall::token, 80ms, false);
    time_idp_call(IdpCall::discovery, 1s, true);
    count_refresh(RefreshOutcome::kept);
    const auto text = render_prometheus({});
    const std::string load = "gatehouse_session_store_duration_seconds";
    EXPECT_EQ(at(text, load + "_count{operation=\"load\"}"), at(before, load + "_count{operation=\"load\"}") + 2);
    EXPECT_EQ(at(text, load + "_bucket{operation=\"load\",le=\"0.0005\"}"),
              at(before, load + "_bucket{operation=\"load\",le=\"0.0005\"}") + 1);
    EXPECT_EQ(at(text, "gatehouse_session_store_errors_total{operation=\"load\"}"),
              at(before, "gatehouse_session_store_errors_total{operation=\"load\"}") + 1);
    EXPECT_EQ(at(text, "gatehouse_session_store_errors_total{operation=\"save\"}"),
              at(before, "gatehouse_session_store_errors_total{operation=\"save\"}"));
    EXPECT_EQ(at(text, "gatehouse_idp_request_duration_seconds_count{call=\"token\"}"),
              at(before, "gatehouse_idp_request_duration_seconds_count{call=\"token\"}") + 1);
    EXPECT_EQ(at(text, "gatehouse_idp_errors_total{call=\"discovery\"}"),
              at(before, "gatehouse_idp_errors_total{call=\"discovery\"}") + 1);
    EXPECT_EQ(at(text, "gatehouse_session_refreshes_total{outcome=\"kept\"}"),
              at(before, "gatehouse_session_refreshes_total{outcome=\"kept\"}") + 1);
    EXPECT_NE(text.find("gatehouse_session_refreshes_total{outcome=\"renewed\"} "), std::string::npos);
}
