#pragma once
// The completion token of the asynchronous calls on connections (http/, and proxy/ on the upstream side):
// `co_await op(…, kTuple)` yields the error code (and the results) as a tuple instead of throwing, so that a client
// or an upstream going away is a value the caller tests, not an exception on the request path.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gh::http {

inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace gh::http
