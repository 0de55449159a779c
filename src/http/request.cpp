#include "http/request.hpp"

#include <algorithm>

#include "http/form.hpp"
#include "http/ip_range.hpp"
#include "http/request_checks.hpp"

namespace gh::http {

Peer::Peer(const boost::asio::ip::address& a, bool trusted, const ProxyTrust* t)
    : address(a), trusted_proxy(trusted), trust(t) {
    const std::string s = unmapped(a).to_string();
    text_size_ = static_cast<std::uint8_t>(std::min(s.size(), text_.size()));
    std::copy_n(s.begin(), text_size_, text_.begin());
}

Request::Request(const Message& m, bool secure, Peer peer)
    : m_(m), body_(m.body()), method_(m.method_string()), target_(m.target()), secure_(secure), peer_(peer) {
    split_target();
}

Request::Request(const Header& h, Exchange& exchange, bool secure, Peer peer)
    : m_(h), exchange_(&exchange), method_(h.method_string()), target_(h.target()), secure_(secure), peer_(peer) {
    split_target();
}

void Request::split_target() {
    const RequestTarget t = split_request_target(target_);
    switch (t.form) {
        case RequestTarget::Form::absolute:
            absolute_authority_ = t.authority;  // a view into the target: data() is never null
            [[fallthrough]];
        case RequestTarget::Form::origin:
        case RequestTarget::Form::asterisk:
            path_ = t.path;
            query_ = t.query;
            return;
        case RequestTarget::Form::authority:
        case RequestTarget::Form::invalid:
            break;
    }
    // As before for the forms the server refuses before any handler runs: the target up to '?'.
    const auto q = target_.find('?');
    path_ = target_.substr(0, q);
    if (q != std::string_view::npos) query_ = target_.substr(q + 1);
}

Request::Header::const_iterator Request::first(std::string_view name) const {
    constexpr int kWalked = 24;
    int walked = 0;
    for (auto it = m_.begin(); it != m_.end(); ++it) {
        if (++walked > kWalked) return m_.find(name);
        const auto n = it->name_string();
        if (n.size() == name.size() && boost::beast::iequals(n, name)) return it;
    }
    return m_.end();
}

std::string_view Request::header(std::string_view name) const {
    const auto it = first(name);
    if (it == m_.end()) return {};
    return it->value();
}

std::optional<std::string> query_param(std::string_view query, std::string_view key) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = pair.find('=');
        if (text::percent_decode(pair.substr(0, eq), true) == key)
            return eq == std::string_view::npos ? std::string{} : text::percent_decode(pair.substr(eq + 1), true);
    }
    return std::nullopt;
}

}  // namespace gh::http
