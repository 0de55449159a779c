#pragma once
// Gives the system back the memory a burst left free in the allocator. glibc returns freed memory on its own only
// from the top of a heap; what is freed below memory still in use stays resident for good. A client that once had
// many large answers in flight on many connections left the server ~200 MB larger after they all closed (D33-F1).
#include <boost/asio/io_context.hpp>

namespace gh::app {

// Once a second on `io` (the background thread, never an I/O thread: a trim of hundreds of MB takes milliseconds):
// when more than 32 MiB are resident beyond what the allocator has in use, it is asked to give back the pages that
// are wholly free (glibc's malloc_trim).
void return_free_memory_periodically(boost::asio::io_context& io);

}  // namespace gh::app
