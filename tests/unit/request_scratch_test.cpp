// The worker's pool of request scratch memory: reused, rewound, and bounded.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <vector>

#include "http/request_scratch.hpp"

using gh::http::RequestScratch;
using gh::http::ScratchPool;

TEST(ScratchPool, AGivenBackScratchIsLentAgainEmpty) {
    ScratchPool pool(16384, 4);
    RequestScratch* first = nullptr;
    {
        ScratchPool::Lease lease;
        lease.take(pool);
        first = &*lease;
        auto b = lease->buffer.prepare(100);
        std::memset(b.data(), 'x', b.size());
        lease->buffer.commit(100);
        lease->out = "HTTP/1.1 202 Accepted\r\n";
        // A header block larger than the arena spills to the heap; the rewind at give-back releases it.
        void* spilled = lease->arena.allocate(20000);
        ASSERT_NE(spilled, nullptr);
    }
    EXPECT_EQ(pool.free_count(), 1u);
    ScratchPool::Lease again;
    again.take(pool);
    EXPECT_EQ(&*again, first) << "the same memory is reused, not allocated again";
    EXPECT_EQ(again->buffer.size(), 0u);
    EXPECT_TRUE(again->out.empty());
    EXPECT_EQ(pool.free_count(), 0u);
}

TEST(ScratchPool, ALongAnswersBufferIsGivenBackAndAShortOnesKept) {
    ScratchPool pool(16384, 4);
    {
        ScratchPool::Lease lease;
        lease.take(pool);
        lease->out.assign(100000, 'x');  // a long answer (a large page, a streamed body's head)
    }
    ScratchPool::Lease again;
    again.take(pool);
    // `out = std::string()` kept the 100 KB: libstdc++ copies an empty (short) string into the buffer it has.
    EXPECT_LT(again->out.capacity(), 100u) << "the long answer's buffer went back to the heap";
    again->out.assign(4000, 'y');
    const std::size_t usual = again->out.capacity();
    again.give_back();
    ScratchPool::Lease third;
    third.take(pool);
    EXPECT_EQ(third->out.capacity(), usual) << "a usual answer's buffer is kept for the next request";
}

TEST(ScratchPool, KeepsAtMostMaxFreeAfterABurst) {
    ScratchPool pool(16384, 3);
    {
        std::vector<ScratchPool::Lease> burst(10);
        for (auto& l : burst) l.take(pool);
        for (auto& l : burst) EXPECT_TRUE(l.held());
    }
    EXPECT_EQ(pool.free_count(), 3u) << "the other seven were freed";
}

TEST(ScratchPool, TheReadBufferIsBoundedByTheHeaderLimit) {
    ScratchPool pool(8192, 1);
    ScratchPool::Lease lease;
    lease.take(pool);
    EXPECT_EQ(lease->buffer.max_size(), 8192u);
    EXPECT_THROW(lease->buffer.prepare(8193), std::length_error);
}

TEST(ScratchPool, GiveBackIsIdempotentAndTakeReplacesTheHeldScratch) {
    ScratchPool pool(4096, 4);
    ScratchPool::Lease lease;
    EXPECT_FALSE(lease.held());
    lease.give_back();
    EXPECT_EQ(pool.free_count(), 0u);
    lease.take(pool);
    lease.take(pool);  // the first one goes back before the second is taken
    EXPECT_EQ(pool.free_count(), 0u);
    lease.give_back();
    lease.give_back();
    EXPECT_EQ(pool.free_count(), 1u);
}

TEST(ScratchPool, AtMostMaxWaitingConnectionsWaitWithTheirScratch) {
    ScratchPool pool(4096, 4, 2);
    std::optional<ScratchPool::WaitingSlot> a, b;
    a.emplace(pool);
    b.emplace(pool);
    EXPECT_TRUE(*a);
    EXPECT_TRUE(*b);
    {
        const ScratchPool::WaitingSlot third(pool);
        EXPECT_FALSE(third) << "a third waiting connection gives its scratch back";
    }
    b.reset();
    const ScratchPool::WaitingSlot after(pool);
    EXPECT_TRUE(after) << "a slot ended is a slot free again";
    const ScratchPool::WaitingSlot none(pool);
    EXPECT_FALSE(none) << "a refused slot took nothing: still two held";
}

TEST(ScratchPool, NoConnectionWaitsWithItsScratchByDefault) {
    ScratchPool pool(4096, 4);
    EXPECT_FALSE(ScratchPool::WaitingSlot(pool));
}
