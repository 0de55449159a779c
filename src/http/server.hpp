#pragma once
// HTTP/1.1 server: N I/O threads, each with its own io_context and its own SO_REUSEPORT acceptor,
// so the hot path shares nothing between threads.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/h2.hpp"
#include "http/proxy_trust.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "result/result.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::http {

struct Limits {
    // 32 KB holds four 4 KB cookie chunks with room for the usual headers.
    std::size_t max_header_bytes = 32 * 1024;
    std::size_t max_header_count = 100;
    std::size_t max_url_length = 8 * 1024;  // request target; 414 beyond, a limit of its own beside the fields'
    // The most a request's head may take before it is parsed: the request line (the target and room for the
    // method and version) and the header fields, each then held to its own limit.
    std::size_t max_head_bytes() const { return max_header_bytes + max_url_length + kRequestLineExtra; }
    static constexpr std::size_t kRequestLineExtra = 64;
    // Open connections over all I/O threads; one more is answered 503 and closed at once.
    std::size_t max_connections = 16 * 1024;
    std::chrono::milliseconds header_read_timeout{10'000};
    std::chrono::milliseconds idle_timeout{120'000};
    std::chrono::milliseconds shutdown_timeout{10'000};
    // Paths that accept a request body (the back-channel logout), up to max_body_bytes; every other
    // request with a body gets 413.
    std::vector<std::string> body_paths;
    std::size_t max_body_bytes = 64 * 1024;
    // Paths whose requests the handler streams (reverse-proxy mode): any body, read by the handler through
    // Request::exchange(). Unset: none.
    std::function<bool(std::string_view path)> streams;
    // Longest wait for one read or write of a streamed request or answer.
    std::chrono::milliseconds stream_timeout{30'000};
};



struct TlsFiles {
    std::string cert_file;
    std::string key_file;
};

// The https listener's certificate chain and key, or why not (naming --tls-cert-file or --tls-key-file). ALPN:
// `protocols` in the server's order of preference ("h2", "http/1.1"); empty: no ALPN answer.
Result<std::shared_ptr<boost::asio::ssl::context>> load_server_tls(const TlsFiles& files,
                                                                    std::vector<std::string> protocols = {});

// Called on an I/O thread for every request; must not block. A coroutine, so that a handler can wait for
// an IdP or a session store without holding the thread; most return without suspending.
using Handler = std::function<boost::asio::awaitable<void>(const Request&, Response&)>;

// Writes the answer for a request whose handler threw (after the failure was logged with `request_id`).
using ErrorWriter = std::function<void(const Request&, Response&, const std::string& request_id)>;

// What a listener speaks. `http1_and_h2` tells the two apart by a connection's first bytes (the HTTP/2 client
// preface, RFC 9113 §3.4) or, over TLS, by ALPN, as Envoy and Go servers do: one port for every door.
enum class Protocol { http1, h2, http1_and_h2 };

enum class H2Placement { own, shared };

// An address to serve on. `handler`: its own handler (the --metrics-address listener); empty: the server's.
struct Listener {
    std::string host;
    std::uint16_t port = 0;
    bool tls = false;
    Handler handler;
    Protocol protocol = Protocol::http1;
    // For h2 and http1_and_h2: who answers HTTP/2 streams, and the limits of an HTTP/2 connection.
    std::shared_ptr<H2Handler> h2;
    H2Limits h2_limits;
    // A TLS context of the listener's own (with its ALPN choice); null: the server's.
    std::shared_ptr<boost::asio::ssl::context> tls_context;
};

class Worker;

class Server {
public:
    // `tls`: load_server_tls()'s context, for the listeners marked tls; null when there is none.
    Server(std::vector<Listener> listeners, std::shared_ptr<boost::asio::ssl::context> tls, Limits limits, int threads,
           Handler handler);
    ~Server();

    // The I/O threads' executors, one per thread, for clients that each thread keeps of its own (Redis).
    std::vector<boost::asio::any_io_executor> executors() const;

    // Called once, on the control thread, when SIGTERM or SIGINT arrives and before the HTTP drain starts:
    // other listeners (gRPC) stop first, while the I/O threads still finish the calls they were given.
    void on_signal(std::function<void()> hook) { on_signal_ = std::move(hook); }
    // The 500 page for a handler that threw; a plain-text 500 when unset. Set before run_until_signalled.
    void on_handler_error(ErrorWriter writer) { on_error_ = std::move(writer); }
    // Open client connections over all I/O threads (a gauge for /metrics).
    std::size_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
    // Which peers' forwarded headers requests may believe (none by default). Set before run_until_signalled.
    void trust_proxies(ProxyTrust trust) { trust_ = std::move(trust); }

    // An HTTP/2 listener (the gRPC port), before bind(). On the address of a plain HTTP listener it is not a second
    // listener (SO_REUSEPORT would let the kernel hand each connection to either one at random) but that listener,
    // serving both protocols; refused on the address of a TLS or /metrics listener, or as TLS on a plain one's.
    Result<H2Placement> add_h2_listener(Listener l);
    // Binds every listener; throws std::runtime_error naming the address when one cannot be bound.
    void bind();

    // Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish (up to
    // shutdown_timeout) and returns.
    void run_until_signalled();

private:
    std::vector<Listener> listeners_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    Limits limits_;
    Handler handler_;
    std::function<void()> on_signal_;
    ErrorWriter on_error_;
    ProxyTrust trust_;
    // Shared by the I/O threads: touched once per connection, never per request.
    std::atomic<std::size_t> open_connections_{0};
    std::atomic<std::size_t> open_h2_connections_{0};
    std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace gh::http
