#include "http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/version.hpp>
#include <stdexcept>

namespace gh::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Target {
    bool tls = false;
    std::string host;
    std::string port;
    std::string path;  // origin-form: path and query
};

std::optional<Target> split_url(const std::string& url) {
    Target t;
    std::string_view rest = url;
    if (rest.starts_with("https://")) t.tls = true, rest.remove_prefix(8);
    else if (rest.starts_with("http://")) rest.remove_prefix(7);
    else return std::nullopt;
    const auto slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    t.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (t.path.front() == '?') t.path.insert(0, "/");
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        t.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (authority.starts_with(':')) t.port = std::string(authority.substr(1));
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        t.host = std::string(authority.substr(0, colon));
        t.port = std::string(authority.substr(colon + 1));
    } else {
        t.host = std::string(authority);
    }
    if (t.port.empty()) t.port = t.tls ? "443" : "80";
    return t;
}

std::string host_header(const Target& t) {
    const bool default_port = (t.tls && t.port == "443") || (!t.tls && t.port == "80");
    const std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    return default_port ? host : host + ":" + t.port;
}

template <class Stream>
asio::awaitable<ClientResult> exchange(Stream& stream, const ClientRequest& request, const Target& target,
                                       const ClientOptions& options) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), target.path, 11};
    req.set(bhttp::field::host, host_header(target));
    req.set(bhttp::field::user_agent, "gatehouse");
    req.set(bhttp::field::connection, "close");
    for (const auto& [k, v] : request.headers) req.set(k, v);
    if (!request.body.empty() || request.method == "POST") {
        req.body() = request.body;
        req.prepare_payload();
    }
    auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
    if (wec) co_return ClientResult{std::nullopt, "sending the request failed: " + wec.message()};
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (rec) co_return ClientResult{std::nullopt, "reading the answer failed: " + rec.message()};
    auto& res = parser.get();
    co_return ClientResult{
        ClientResponse{static_cast<int>(res.result_int()), std::string(res[bhttp::field::content_type]),
                       std::move(res.body()), std::string(res[bhttp::field::date]),
                       std::string(res[bhttp::field::link])},
        {}};
}

// The TLS settings of every connection: the system's trust anchors and each --provider-ca-file.
Result<std::shared_ptr<asio::ssl::context>> client_tls(const ClientOptions& options) {
    auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    tls->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    // As oauth2-proxy: given CA files replace the system's store unless both are asked for.
    if (options.ca_files.empty() || options.system_trust_store) tls->set_default_verify_paths();
    for (const auto& ca : options.ca_files) {
        boost::system::error_code ec;
        tls->load_verify_file(ca, ec);
        if (ec)
            return failure(ErrorCode::unreadable_file, "--provider-ca-file: cannot load " + ca + ": " + ec.message());
    }
    tls->set_verify_mode(options.insecure_skip_verify ? asio::ssl::verify_none : asio::ssl::verify_peer);
    return tls;
}

}  // namespace

Result<HttpClient> HttpClient::create(ClientOptions options) {
    auto tls = client_tls(options);
    if (!tls) return failure(tls.error());
    return HttpClient(std::move(options), std::move(*tls));
}

HttpClient::HttpClient(ClientOptions options)
    : HttpClient(value_or_throw<std::runtime_error>(create(std::move(options)))) {}

HttpClient::HttpClient(ClientOptions options, std::shared_ptr<asio::ssl::context> tls)
    : options_(std::move(options)), tls_(std::move(tls)) {}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

asio::awaitable<ClientResult> HttpClient::fetch(ClientRequest request) const {
    const auto target = split_url(request.url);
    if (!target) co_return ClientResult{std::nullopt, "not an http(s) URL: " + request.url};
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto [rec, endpoints] = co_await resolver.async_resolve(target->host, target->port, kTuple);
    if (rec) co_return ClientResult{std::nullopt, "cannot resolve " + target->host + ": " + rec.message()};
    beast::tcp_stream tcp_stream(executor);
    // One deadline covers connect, handshake, request and answer.
    tcp_stream.expires_after(options_.timeout);
    auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, kTuple);
    if (cec) co_return ClientResult{std::nullopt, "cannot connect to " + host_header(*target) + ": " + cec.message()};
    if (!target->tls) co_return co_await exchange(tcp_stream, request, *target, options_);

    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *tls_);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), target->host.c_str()))
        co_return ClientResult{std::nullopt, "cannot set TLS server name"};
    if (!options_.insecure_skip_verify) stream.set_verify_callback(asio::ssl::host_name_verification(target->host));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) co_return ClientResult{std::nullopt, "TLS handshake with " + target->host + " failed: " + hec.message()};
    co_return co_await exchange(stream, request, *target, options_);
}

}  // namespace gh::http
