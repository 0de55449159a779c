#include "concurrent/published.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using gh::concurrent::Published;

TEST(Published, EmptyUntilTheFirstPublishThenEveryReaderSeesTheLatest) {
    Published<int> cell;
    EXPECT_FALSE(cell.published());
    EXPECT_EQ(cell.for_this_thread(), nullptr);
    EXPECT_EQ(cell.load(), nullptr);
    cell.publish(std::make_shared<const int>(1));
    EXPECT_TRUE(cell.published());
    EXPECT_EQ(*cell.for_this_thread(), 1);
    cell.publish(std::make_shared<const int>(2));
    EXPECT_EQ(*cell.for_this_thread(), 2);
    EXPECT_EQ(*cell.load(), 2);
    EXPECT_EQ(cell.generation(), 2u);
}

TEST(Published, TwoCellsOfOneTypeDoNotShareTheThreadCache) {
    Published<int> a, b;
    a.publish(std::make_shared<const int>(10));
    b.publish(std::make_shared<const int>(20));
    EXPECT_EQ(*a.for_this_thread(), 10);
    EXPECT_EQ(*b.for_this_thread(), 20);
    EXPECT_EQ(*a.for_this_thread(), 10);
}

// Under `make test-tsan` this is the race detector's test of the cell: readers on several threads while a
// writer publishes; each reader's values only ever grow, and a value is never torn.
TEST(Published, ReadersNeverSeeAnOlderValueAfterANewerOne) {
    struct Pair {
        int a, b;
    };
    Published<Pair> cell;
    cell.publish(std::make_shared<const Pair>(Pair{0, 0}));
    std::atomic<bool> stop{false};
    std::atomic<int> problems{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t)
        readers.emplace_back([&] {
            int last = 0;
            while (!stop.load()) {
                const Pair* p = cell.for_this_thread();
                if (p->a != p->b || p->a < last) problems.fetch_add(1);
                last = p->a;
            }
        });
    for (int i = 1; i <= 2000; ++i) cell.publish(std::make_shared<const Pair>(Pair{i, i}));
    stop = true;
    for (auto& r : readers) r.join();
    EXPECT_EQ(problems.load(), 0);
}
