// SizeClasses: how the gRPC door finds the unfinished request holding (about) the most bytes when an I/O thread's
// request budget is full (GrpcCall::make_room), as calls grow chunk by chunk, finish, or give way.
#include <gtest/gtest.h>

#include <array>

#include "doors/envoy_grpc/size_classes.hpp"

using gh::doors::envoy_grpc::SizeClasses;

namespace {

struct Item {
    SizeClasses<Item>::Links links;
};

TEST(SizeClasses, NoneHoldingMeansNoLargest) {
    SizeClasses<Item> classes(&Item::links);
    EXPECT_EQ(classes.largest(), nullptr);
    Item a;
    classes.update(a, 0);
    EXPECT_EQ(classes.largest(), nullptr);
}

TEST(SizeClasses, TheLargestFollowsItemsAsTheyGrowAndLeave) {
    SizeClasses<Item> classes(&Item::links);
    std::array<Item, 3> items;
    classes.update(items[0], 300);       // a usual Check
    classes.update(items[1], 16 << 10);  // a large one, growing
    classes.update(items[2], 700);
    EXPECT_EQ(classes.largest(), &items[1]);
    classes.update(items[2], 4 << 20);  // a body of 4 MiB, never finished
    EXPECT_EQ(classes.largest(), &items[2]);
    classes.update(items[2], 0);  // it gave way
    EXPECT_EQ(classes.largest(), &items[1]);
    classes.update(items[1], 0);  // whole: handed to its method
    EXPECT_EQ(classes.largest(), &items[0]);
    classes.update(items[0], 0);
    EXPECT_EQ(classes.largest(), nullptr);
}

TEST(SizeClasses, ItemsOfOneClassLeaveInAnyOrder) {
    // Three of the same class (256..511 bytes): leaving from the middle, the head and the tail keeps the others.
    SizeClasses<Item> classes(&Item::links);
    std::array<Item, 3> items;
    for (auto& item : items) classes.update(item, 300);
    classes.update(items[1], 0);
    ASSERT_NE(classes.largest(), nullptr);
    classes.update(*classes.largest(), 0);
    const Item* left = classes.largest();
    ASSERT_NE(left, nullptr);
    classes.update(*const_cast<Item*>(left), 0);
    EXPECT_EQ(classes.largest(), nullptr);
    for (const auto& item : items) EXPECT_EQ(item.links.size_class, -1);
}

TEST(SizeClasses, GrowingWithinItsClassKeepsItsPlace) {
    SizeClasses<Item> classes(&Item::links);
    Item a, b;
    classes.update(a, 1 << 20);
    classes.update(b, (1 << 20) + 10);  // the same class: the newest is found first
    classes.update(a, (1 << 21) - 1);   // still the same class
    EXPECT_EQ(a.links.size_class, 20);
    classes.update(a, 1 << 21);  // the next one up
    EXPECT_EQ(classes.largest(), &a);
    EXPECT_EQ(a.links.size_class, 21);
}

}  // namespace
