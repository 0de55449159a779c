#pragma once
// A small asynchronous HTTP/1.1 client for the back channel to the IdP (discovery, JWKS, token endpoint).
// Runs on the caller's executor, so an I/O thread waiting for the IdP keeps serving other connections.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "result/result.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gh::http {

struct ClientRequest {
    std::string method = "GET";
    std::string url;  // absolute http:// or https:// URL
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct ClientResponse {
    int status = 0;
    std::string content_type;
    std::string body;
    std::string date;  // the Date header: the server's clock (gatehouse doctor compares it with ours)
    std::string link;  // the Link header (RFC 8288): an API's next page
};

struct ClientResult {
    std::optional<ClientResponse> response;
    std::string error;  // transport failure: DNS, connect, TLS, timeout, oversized answer
};

struct ClientOptions {
    std::vector<std::string> ca_files;  // trust anchors (--provider-ca-file)
    bool insecure_skip_verify = false;  // --ssl-insecure-skip-verify
    std::chrono::milliseconds timeout{10'000};
    std::size_t max_body_bytes = 1 << 20;
    // With ca_files: the system's CAs as well (--use-system-trust-store). Without ca_files they are always trusted.
    bool system_trust_store = true;
};

class HttpClient {
public:
    // A client, or why not: a --provider-ca-file that cannot be loaded.
    static Result<HttpClient> create(ClientOptions options);
    // The throwing form of create(), for options known to load (tests): std::runtime_error.
    explicit HttpClient(ClientOptions options);
    HttpClient(HttpClient&&) noexcept;
    ~HttpClient();

    // One request on a fresh connection (the back channel is rare: no pool needed). Never throws.
    boost::asio::awaitable<ClientResult> fetch(ClientRequest request) const;

private:
    HttpClient(ClientOptions options, std::shared_ptr<boost::asio::ssl::context> tls);

    ClientOptions options_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace gh::http
