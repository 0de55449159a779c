#pragma once
// What RFC 9112 asks a server to refuse in a request head, checked once the header is parsed and before any body
// is read: how the body is framed (Transfer-Encoding), Host, and the form of the request target. Beast parses
// leniently here (an unknown transfer coding is ignored, so the body would be read as the next request: request
// smuggling), so these checks are the server's own. Every refusal closes the connection. Pure: unit-tested.
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <memory_resource>
#include <string_view>

namespace gh::http {

// A request-target split as RFC 9112 §3.2 reads it. For origin-form the authority is empty (it is Host's); for
// absolute-form it is the URL's, and path and query are the URL's (path "/" when the URL has none).
struct RequestTarget {
    enum class Form { origin, absolute, asterisk, authority, invalid };
    Form form = Form::invalid;
    std::string_view scheme;  // absolute-form only, as sent (compare case-insensitively)
    std::string_view authority;
    std::string_view path;
    std::string_view query;
};

// Never allocates; the views point into `target` (or at a static "/").
RequestTarget split_request_target(std::string_view target);

// RFC 9110 §7.2: Host = uri-host [ ":" port ]: a reg-name (unreserved, pct-encoded, sub-delims), an IPv4 address
// or a bracketed IP literal, then digits. No userinfo, no path, no space, backslash or control byte. Empty is
// valid (a target without authority), but not for an absolute-form URL (see check_request_head).
bool valid_host(std::string_view host);

// Why a request head is refused: the status to answer and a reason for the log line. status 0: accepted.
struct HeadVerdict {
    int status = 0;
    const char* reason = "";
    explicit operator bool() const { return status == 0; }
};

// The single value of Transfer-Encoding: exactly one coding, `chunked` in any case → accepted; more than one
// coding → 400 (stacked: nothing but `chunked` may frame a request here, and it must be alone); one coding that
// is not `chunked` → 501 (RFC 9112 §6.1).
HeadVerdict check_transfer_coding(std::string_view value);

using HeadFields = boost::beast::http::basic_fields<std::pmr::polymorphic_allocator<char>>;
using RequestHead = boost::beast::http::header<true, HeadFields>;

// Every check above, on a parsed head: Transfer-Encoding (at most one line, never with Content-Length, never in
// HTTP/1.0), Host (exactly one on HTTP/1.1, at most one on HTTP/1.0, a valid value), the target's form (absolute-
// form only with an http/https scheme and a host; asterisk-form only for OPTIONS; authority-form and CONNECT: 400).
// One pass over the fields, no allocation. `target` receives the split target (valid when accepted), so that the
// server splits it only once.
HeadVerdict check_request_head(const RequestHead& head, RequestTarget& target);

}  // namespace gh::http
