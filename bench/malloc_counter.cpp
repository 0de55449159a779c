// LD_PRELOAD library for the benchmark: counts calls to malloc and prints the count at exit, so the
// benchmark can report heap allocations per request (a figure that does not drift with machine noise).
// Hand-written because heaptrack and valgrind slow the server by orders of magnitude.
#include <atomic>
#include <cstdio>
#include <cstdlib>

extern "C" void* __libc_malloc(std::size_t size);

namespace {
std::atomic<long> calls{0};

struct Reporter {
    ~Reporter() {
        if (const char* path = std::getenv("GATEHOUSE_MALLOC_COUNT_FILE")) {
            if (FILE* f = std::fopen(path, "w")) {
                std::fprintf(f, "%ld\n", calls.load());
                std::fclose(f);
            }
        }
    }
} reporter;
}  // namespace

extern "C" void* malloc(std::size_t size) {
    calls.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(size);
}
