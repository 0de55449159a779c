// Request ids: the proxy's X-Request-Id when it is short and plain, otherwise a fresh one that is unique on
// every thread; chosen once, so the page and every log line of a request show the same id.
#include "http/request_id.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

namespace gh::http {
namespace {

namespace bhttp = boost::beast::http;

Request::Message message(std::string_view id) {
    Request::Message m{bhttp::verb::get, "/oauth2/auth", 11};
    if (!id.empty()) m.set("X-Request-Id", id);
    return m;
}

TEST(RequestId, APlainIdFromTheProxyIsKept) {
    const auto m = message("req-42_a.b");
    const Request req(m);
    EXPECT_EQ(request_id(req), "req-42_a.b");
}

TEST(RequestId, ASuspiciousIdIsReplacedAndTheChoiceIsKeptForTheRequest) {
    for (const std::string& bad : {std::string("a b"), std::string("x\"y"), std::string(65, 'a'), std::string("")}) {
        const auto m = message(bad);
        const Request req(m);
        const std::string first(request_id(req));
        EXPECT_NE(first, bad);
        EXPECT_EQ(first.size(), 16u);
        EXPECT_EQ(first.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        EXPECT_EQ(request_id(req), first);  // the same id every time it is asked for
    }
}

TEST(RequestId, FreshIdsAreUniqueAcrossRequestsAndThreads) {
    std::set<std::string> seen;
    std::mutex mutex;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            std::vector<std::string> mine;
            for (int i = 0; i < 5000; ++i) {
                const auto m = message("");
                const Request req(m);
                mine.emplace_back(request_id(req));
            }
            std::lock_guard lock(mutex);
            seen.insert(mine.begin(), mine.end());
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(seen.size(), 20000u);
}

}  // namespace
}  // namespace gh::http
