#include "http/request_checks.hpp"

#include <boost/asio/ip/address_v6.hpp>
#include <boost/beast/core/string.hpp>
#include <array>

#include "text/ascii.hpp"

namespace gh::http {
namespace {

namespace bhttp = boost::beast::http;

using text::is_alpha;
using text::is_digit;
using text::is_hex;

// RFC 3986 reg-name characters other than pct-encoded: unreserved and sub-delims. A table, not a switch:
// every request's Host is scanned with it.
constexpr auto kRegNameChar = [] {
    std::array<bool, 256> t{};
    for (unsigned char c = 0; c < 128; ++c)
        t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    for (unsigned char c : std::string_view("-._~!$&'()*+,;="))  // unreserved, then sub-delims
        t[c] = true;
    return t;
}();

constexpr bool is_reg_name_char(char c) { return kRegNameChar[static_cast<unsigned char>(c)]; }

bool valid_reg_name(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
            i += 2;
        } else if (!is_reg_name_char(s[i])) {
            return false;
        }
    }
    return true;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

// "[" IPv6address "]": hex digits, colons and dots (an embedded IPv4), then a real parse. No zone identifier,
// no IPvFuture: nothing a browser sends.
bool valid_ip_literal(std::string_view inside) {
    if (inside.size() < 2 || inside.size() > 45) return false;
    for (char c : inside)
        if (!is_hex(c) && c != ':' && c != '.') return false;
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(inside, ec);
    return !ec;
}

constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// The fields RFC 9112's framing and Host checks need, found in one pass over the head: the header index (a
// tree searched by case-insensitive name) costs more per look-up than a short list costs to walk.
struct FramingFields {
    std::string_view host, transfer_encoding;
    int hosts = 0, transfer_encodings = 0;
    bool content_length = false;
};

FramingFields framing_fields(const RequestHead& head) {
    FramingFields f;
    for (const auto& field : head) {
        switch (field.name()) {  // the parser names every known field, in any letter case
            case bhttp::field::host:
                if (f.hosts++ == 0) f.host = field.value();
                break;
            case bhttp::field::transfer_encoding:
                if (f.transfer_encodings++ == 0) f.transfer_encoding = field.value();
                break;
            case bhttp::field::content_length: f.content_length = true; break;
            default: break;
        }
    }
    return f;
}

}  // namespace

bool valid_host(std::string_view host) {
    if (host.empty()) return true;
    std::string_view port;
    if (host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos || !valid_ip_literal(host.substr(1, close - 1))) return false;
        const std::string_view rest = host.substr(close + 1);
        if (rest.empty()) return true;
        if (rest.front() != ':') return false;
        port = rest.substr(1);
    } else {
        const auto colon = host.find(':');
        const std::string_view name = host.substr(0, colon);
        if (name.empty() || !valid_reg_name(name)) return false;
        if (colon == std::string_view::npos) return true;
        port = host.substr(colon + 1);
    }
    return port.size() <= 5 && all_digits(port);
}

RequestTarget split_request_target(std::string_view target) {
    static constexpr std::string_view kRoot = "/";
    RequestTarget t;
    if (target.empty()) return t;
    if (target.front() == '/') {  // origin-form: the common case, one search for '?'
        t.form = RequestTarget::Form::origin;
        const auto q = target.find('?');
        t.path = target.substr(0, q);
        if (q != std::string_view::npos) t.query = target.substr(q + 1);
        return t;
    }
    if (target == "*") {
        t.form = RequestTarget::Form::asterisk;
        t.path = target;
        return t;
    }
    // absolute-form: scheme "://" authority [path-abempty] ["?" query]
    std::size_t i = 0;
    if (is_alpha(target[0])) {
        while (i < target.size() && (is_alpha(target[i]) || is_digit(target[i]) || target[i] == '+' ||
                                     target[i] == '-' || target[i] == '.'))
            ++i;
    }
    if (i > 0 && target.substr(i, 3) == "://") {
        t.form = RequestTarget::Form::absolute;
        t.scheme = target.substr(0, i);
        std::string_view rest = target.substr(i + 3);
        const auto end = rest.find_first_of("/?");
        t.authority = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
        const auto q = rest.find('?');
        t.path = rest.substr(0, q);
        if (t.path.empty()) t.path = kRoot;
        if (q != std::string_view::npos) t.query = rest.substr(q + 1);
        return t;
    }
    // authority-form (CONNECT's host:port)
    if (target.find(':') != std::string_view::npos && valid_host(target)) {
        t.form = RequestTarget::Form::authority;
        t.authority = target;
    }
    return t;
}

HeadVerdict check_transfer_coding(std::string_view value) {
    std::size_t count = 0;
    std::string_view coding;
    while (true) {
        const auto comma = value.find(',');
        const std::string_view element = trim(value.substr(0, comma));
        if (!element.empty()) {  // RFC 9110 §5.6.1: empty list elements are ignored
            if (++count == 1) coding = element;
        }
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    if (count == 0) return {400, "empty Transfer-Encoding"};
    if (count > 1) return {400, "stacked transfer codings (only a lone chunked is accepted)"};
    if (!boost::beast::iequals(coding, "chunked")) return {501, "transfer coding not implemented"};
    return {};
}

HeadVerdict check_request_head(const RequestHead& head, RequestTarget& target) {
    const FramingFields f = framing_fields(head);
    if (f.transfer_encodings > 0) {
        if (f.transfer_encodings > 1) return {400, "two Transfer-Encoding lines"};
        if (head.version() < 11) return {400, "Transfer-Encoding in an HTTP/1.0 request"};
        if (f.content_length) return {400, "Transfer-Encoding together with Content-Length"};
        if (const auto v = check_transfer_coding(f.transfer_encoding); !v) return v;
    }
    if (f.hosts == 0) {
        if (head.version() >= 11) return {400, "HTTP/1.1 request without Host"};
    } else {
        if (f.hosts > 1) return {400, "two Host headers"};
        if (!valid_host(f.host)) return {400, "Host is not a valid authority"};
    }
    if (head.method() == bhttp::verb::connect) return {400, "CONNECT is not supported"};
    target = split_request_target(head.target());
    switch (target.form) {
        case RequestTarget::Form::origin:
            return {};
        case RequestTarget::Form::asterisk:
            if (head.method() != bhttp::verb::options) return {400, "asterisk-form target on a method other than OPTIONS"};
            return {};
        case RequestTarget::Form::absolute:
            if (!boost::beast::iequals(target.scheme, "http") && !boost::beast::iequals(target.scheme, "https"))
                return {400, "absolute-form target with a scheme other than http or https"};
            if (target.authority.empty() || !valid_host(target.authority))
                return {400, "absolute-form target without a valid authority"};
            return {};
        case RequestTarget::Form::authority:
            return {400, "authority-form target outside CONNECT"};
        case RequestTarget::Form::invalid:
            break;
    }
    return {400, "request target is not origin-, absolute- or asterisk-form"};
}

}  // namespace gh::http
