// The proxy's view of the original request (X-Original-URL, X-Forwarded-*), the path normaliser that public
// routes and the policy match against, and the client address behind trusted proxies (X-Forwarded-For,
// X-Real-IP, --trusted-proxy-ip ranges). Input: header values separated by newlines.
#include <cstdint>
#include <string>
#include <vector>

#include "authz/path_normalize.hpp"
#include "http/forwarded.hpp"
#include "http/original_request.hpp"
#include "http/proxy_trust.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> values;
    std::size_t start = 0;
    for (;;) {
        const auto nl = text.find('\n', start);
        values.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos || values.size() == 8) break;
        start = nl + 1;
    }
    values.resize(8);
    static const char* names[] = {"X-Original-URL", "X-Forwarded-Host", "X-Forwarded-Uri", "X-Forwarded-Proto",
                                  "X-Original-Method", "Host", "X-Forwarded-For", "X-Real-IP"};
    gh::http::Request::Message m{boost::beast::http::verb::get, "/oauth2/auth", 11};
    try {
        for (std::size_t i = 0; i < values.size(); ++i)
            if (!values[i].empty()) m.set(names[i], values[i]);
    } catch (const std::exception&) {
        return 0;  // Beast refuses values a parser would never produce
    }
    // The last value doubles as a --trusted-proxy-ip entry: parsing must refuse or accept, never crash.
    std::vector<gh::http::IpRange> ranges;
    if (auto r = gh::http::IpRange::parse(values[7])) ranges.push_back(*r);
    for (const char* header : {"X-Forwarded-For", "X-Real-IP"}) {
        const gh::http::ProxyTrust trust(true, ranges, header);
        const gh::http::Request behind_proxy(m, false, trust.peer(boost::asio::ip::make_address("10.0.0.1")));
        const std::string client = gh::http::client_ip(behind_proxy);
        // Whatever the headers say, the answer is an address (never text from the request).
        boost::system::error_code ec;
        boost::asio::ip::make_address(client, ec);
        if (ec) __builtin_trap();
    }
    const gh::http::Request req(m);
    for (const bool trusted : {false, true}) {
        (void)gh::http::original_url(req, trusted).to_string();
    }
    for (const auto source : {gh::http::OriginalSource::x_original, gh::http::OriginalSource::x_forwarded}) {
        gh::http::OriginalRequest read;
        if (gh::http::read_original_request(req, source, read)) continue;
        std::string normal;
        if (gh::authz::normalize_path_into(read.path, normal)) {
            // A normalised path is absolute and never climbs out through dot segments.
            if (!normal.starts_with('/') || normal.find("/../") != std::string::npos) __builtin_trap();
        }
    }
    return 0;
}
