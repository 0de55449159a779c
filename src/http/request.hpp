#pragma once
// A parsed request as handlers see it: views into the connection's parser, valid until the handler returns.
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <array>
#include <cstdint>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>

namespace gh::http {

class Exchange;
class ProxyTrust;

// Who sent the request on its connection, and whether that peer is a proxy trusted to speak for the client.
struct Peer {
    Peer() = default;
    Peer(const boost::asio::ip::address& a, bool trusted, const ProxyTrust* t);

    boost::asio::ip::address address;
    bool trusted_proxy = false;
    const ProxyTrust* trust = nullptr;  // how the decision was made (for the client address in logs)

    // The address as text ("" for none), formatted once per connection: every request's log line wants it, and
    // formatting it costs as much as the rest of the line.
    std::string_view address_text() const { return {text_.data(), text_size_}; }

private:
    std::array<char, 48> text_{};  // an IPv6 address in text is at most 45 characters
    std::uint8_t text_size_ = 0;
};

class Request {
public:
    // Header fields live in a per-connection arena (see connection.cpp), so parsing a request does not
    // touch the global heap.
    using Fields = boost::beast::http::basic_fields<std::pmr::polymorphic_allocator<char>>;
    // Bodies are refused (413) except on the few paths that take one (Limits::body_paths), so the string
    // stays empty, unallocated, on every other request.
    using Message = boost::beast::http::request<boost::beast::http::string_body, Fields>;
    using Header = boost::beast::http::header<true, Fields>;

    // `secure`: the request arrived on the HTTPS listener.
    explicit Request(const Message& m, bool secure = false, Peer peer = {});
    // A streamed request (Limits::streams): its body comes through `exchange`.
    Request(const Header& h, Exchange& exchange, bool secure, Peer peer);

    std::string_view method() const { return method_; }
    std::string_view target() const { return target_; }
    // The target before '?'; for an absolute-form target (RFC 9112 §3.2.2, `GET http://host/x?y`) the URL's path
    // ("/" when it has none), so that every handler matches the same path whichever form the client used.
    std::string_view path() const { return path_; }
    std::string_view query() const { return query_; }  // after '?', without it
    // Whom the request is for (RFC 9112 §3.2.2): an absolute-form target's authority when the target is one (its
    // Host header is then ignored), else the Host header; empty when neither (HTTP/1.0). The server has checked
    // that it is a valid authority (http/request_checks.hpp).
    std::string_view authority() const { return absolute_authority_.data() ? absolute_authority_ : header("Host"); }
    bool secure() const { return secure_; }
    const Peer& peer() const { return peer_; }
    // Forwarded headers (X-Forwarded-*, X-Original-URL, X-Auth-Request-Redirect, X-Real-IP) may be believed:
    // --reverse-proxy is on and the peer is one of the --trusted-ip proxies (any peer when none are listed).
    bool via_trusted_proxy() const { return peer_.trusted_proxy; }
    std::string_view body() const { return body_; }
    // Set only for a streamed request: its body, its answer and, after an upgrade, its connection.
    Exchange* exchange() const { return exchange_; }
    // Every header line, in order, for a handler that passes them on (reverse-proxy mode).
    const Header& header_fields() const { return m_; }
    // "HTTP/1.1" or "HTTP/1.0", for the request log.
    std::string_view protocol() const { return m_.version() == 10 ? "HTTP/1.0" : "HTTP/1.1"; }

    // First value of a header (case-insensitive name), empty if absent.
    std::string_view header(std::string_view name) const;

    // Whether a header of that name came more than once (a singleton field such as Authorization sent twice).
    bool repeated(std::string_view name) const {
        int n = 0;
        for_each(name, [&](std::string_view) { ++n; });
        return n > 1;
    }

    // Calls fn(value) for every header line of that name, in order.
    template <class Fn>
    void for_each(std::string_view name, Fn&& fn) const {
        // Beast keeps lines of one name next to each other in its list, first-received first.
        for (auto it = first(name); it != m_.end() && boost::beast::iequals(it->name_string(), name); ++it)
            fn(it->value());
    }

private:
    // The first line of that name, or end(). A request's first lines are walked in order before the header
    // index is asked: for the dozen lines a proxy sends, a walk comparing lengths first costs a fraction of a
    // search of the index (a tree ordered by case-insensitive name), and a request with many lines still
    // costs one search.
    Header::const_iterator first(std::string_view name) const;
    friend std::string_view request_id(const Request& req);

    void split_target();

    const Header& m_;
    std::string_view body_;
    Exchange* exchange_ = nullptr;
    std::string_view method_, target_, path_, query_;
    std::string_view absolute_authority_;  // null data() unless the target is absolute-form
    bool secure_ = false;
    Peer peer_;
    // The request id, chosen on first use (request_id.hpp) and kept so that every line and page of this
    // request carries the same one.
    mutable std::array<char, 64> id_;  // only the first id_size_ bytes are ever read
    mutable std::size_t id_size_ = 0;
};

// Value of `key` in an application/x-www-form-urlencoded query, percent-decoded; nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view key);

}  // namespace gh::http
